// The in-memory log tap keeps the newest lines within both of its bounds, numbers them, and pages as upstream's does:
// without `after` the newest `limit`, with `after` what follows it, and `truncated_before_seq` when a reader fell
// behind what the tap still holds. Real pino loggers write into it, as the engine's do.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { LogTap } from '../../src/supervisor/observability/log-tap.js';
import { createLogger } from '../../src/util/logger.js';

function filled(bounds: { maxEntries: number; maxBytes: number }, lines: number): LogTap {
  const tap = new LogTap(bounds);
  const logger = createLogger({ level: 'info', format: 'json', destination: { write: () => undefined }, tap: (line) => tap.record(line, 'controller') });
  for (let i = 1; i <= lines; i++) logger.info({ i }, `line ${i}`);
  return tap;
}

describe('log tap', () => {
  it('keeps the newest entries within max_entries and counts what it dropped', () => {
    const page = filled({ maxEntries: 3, maxBytes: 1 << 20 }, 5).query({ limit: 100 });
    expect(page.logs.map((l) => l.event_name)).toEqual(['line 3', 'line 4', 'line 5']);
    expect(page).toMatchObject({ oldest_seq: 3, newest_seq: 5, next_seq: 5, dropped_on_retention: 2, truncated_before_seq: null });
  });

  it('keeps within max_bytes, counting the bytes it holds', () => {
    const one = filled({ maxEntries: 100, maxBytes: 1 << 20 }, 1).query({ limit: 1 }).retained_bytes;
    // "line 10" is two characters longer than "line 1" (its message and its field).
    const page = filled({ maxEntries: 100, maxBytes: one * 2 + 2 }, 10).query({ limit: 100 });
    expect(page.logs.map((l) => l.event_name)).toEqual(['line 9', 'line 10']);
    expect(page.retained_bytes).toBe(one * 2 + 2);
    expect(page.dropped_on_retention).toBe(8);
  });

  it('pages with after and limit, and tells a reader that fell behind', () => {
    const tap = filled({ maxEntries: 4, maxBytes: 1 << 20 }, 10);
    expect(tap.query({ limit: 2 }).logs.map((l) => l.seq)).toEqual([9, 10]);
    expect(tap.query({ after: 7, limit: 2 })).toMatchObject({ next_seq: 9, truncated_before_seq: null, logs: [{ seq: 8 }, { seq: 9 }] });
    // Entries 3 to 6 were dropped after the reader's last one (2): it is told where the tap starts now.
    expect(tap.query({ after: 2, limit: 1 })).toMatchObject({ truncated_before_seq: 7, logs: [{ seq: 7 }] });
    expect(tap.query({ after: 10, limit: 5 })).toMatchObject({ next_seq: 10, logs: [] });
  });

  it('renders each line as upstream lists it: level, target, message, fields, and the pipeline as context', () => {
    const tap = new LogTap({ maxEntries: 10, maxBytes: 1 << 20 });
    const logger = pino({ timestamp: pino.stdTimeFunctions.isoTime, hooks: { streamWrite: (l) => (tap.record(l, 'controller'), l) } }, { write: () => undefined });
    logger.child({ group: 'default', pipeline: 'main' }).child({ core: 1, generation: 2 }).warn({ reason: 'x y' }, 'instance crashed');
    logger.child({ component: 'admin' }).error('boom');
    tap.record('not json at all\n', 'pipeline');
    const [crash, admin, raw] = tap.query({ limit: 10 }).logs;
    expect(crash).toMatchObject({ level: 'WARN', target: 'controller', event_name: 'instance crashed', file: null, line: null });
    expect(crash!.rendered).toMatch(/^\S+Z WARN controller: instance crashed group=default pipeline=main core=1 generation=2 reason=x y$/);
    expect(crash!.contexts).toEqual([
      {
        entity_key: 'default:main/core-1/gen-2',
        schema_name: 'pipeline',
        attributes: { 'core.id': { Int: 1 }, 'deployment.generation': { Int: 2 }, 'pipeline.group.id': { String: 'default' }, 'pipeline.id': { String: 'main' } },
      },
    ]);
    expect(admin).toMatchObject({ level: 'ERROR', target: 'admin', contexts: [] });
    expect(raw).toMatchObject({ level: 'INFO', target: 'pipeline', rendered: 'not json at all' });
  });

  it('counts lines lost before they reached it', () => {
    const tap = new LogTap({ maxEntries: 10, maxBytes: 1 << 20 });
    tap.countDropped(3);
    expect(tap.query({ limit: 1 })).toMatchObject({ dropped_on_ingest: 3, oldest_seq: null, newest_seq: null, next_seq: 0, logs: [] });
  });
});
