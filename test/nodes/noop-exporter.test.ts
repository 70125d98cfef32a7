// exporter:noop: takes no settings (`config` absent, null or {}, as upstream's configs write it) and accepts everything.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createNoopExporter } from '../../src/nodes/exporters/noop/exporter.js';
import type { NodeContext } from '../../src/pipeline/node.js';
import { uniqueLogs } from '../pipeline/helpers/otlp.js';
import { doc, errorsOf, P, pipeline, validOf } from '../config/helpers.js';

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

  it('takes config absent, null or {}, and refuses any field', () => {
    for (const sink of [{ type: 'exporter:noop' }, { type: 'exporter:noop', config: null }, { type: 'exporter:noop', config: {} }]) {
      const result = validOf(doc({ main: pipeline({ nodes: { gen: { type: 'receiver:traffic_generator', config: { traffic_config: { log_weight: 1 } } }, sink } }) }));
      expect(result.pipelines[0]?.nodes.find((n) => n.name === 'sink')?.config).toEqual({});
    }
    const errors = errorsOf(doc({ main: pipeline({ nodes: { gen: { type: 'receiver:traffic_generator', config: { traffic_config: { log_weight: 1 } } }, sink: { type: 'exporter:noop', config: { delay: '1s' } } } }) }));
    expect(errors.map((e) => [e.path, e.message])).toEqual([[`${P}.nodes.sink.config.delay`, expect.stringMatching(/delay/)]]);
  });
});
