import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createNoopExporter } from '../../src/nodes/exporters/noop/exporter.js';
import type { NodeContext } from '../../src/pipeline/node.js';
import { uniqueLogs } from '../pipeline/helpers/otlp.js';

describe('exporter:noop', () => {
  it('accepts everything at once', async () => {
    const instance = createNoopExporter('sink', {});
    expect(instance.kind).toBe('exporter');
    if (instance.kind !== 'exporter') return;
    const ctx = { name: 'sink', logger: pino({ level: 'silent' }) } as NodeContext;
    await instance.node.start(ctx);
    expect(await instance.node.export(uniqueLogs(3).pdata)).toEqual({ kind: 'success' });
    await instance.node.stop();
  });
});
