// processor:batch's config is upstream's: otap and otlp sizing, max_batch_duration, request limits, format; with
// upstream's defaults and refusals, warnings for what has no effect here, and every upstream example accepted.
import { describe, expect, it } from 'vitest';
import { validateWithJoi } from '../../src/config/joi-errors.js';
import { batchProcessor } from '../../src/nodes/processors/batch/descriptor.js';
import { batchSettings } from '../../src/nodes/processors/batch/processor.js';

const check = (config: Record<string, unknown>) => validateWithJoi<Record<string, any>>(batchProcessor.configSchema, config, ['batch']);
const errors = (config: Record<string, unknown>) => {
  const result = check(config);
  return result.ok ? [] : result.errors.map((e) => `${e.path}: ${e.message}`);
};
const warnings = (config: Record<string, unknown>) => check(config).warnings.map((w) => `${w.path}: ${w.message}`);

describe('processor:batch config', () => {
  it("fills upstream's defaults: OTLP batches of 256KiB, OTAP of 8192 items, 200ms, preserve", () => {
    const result = check({});
    expect(result.ok && result.value).toEqual({
      otap: { min_size: 8192, max_size: null, sizer: 'items', max_split_fragments: null, max_split_overhead_bytes: null, max_split_fragments_per_flush: null },
      otlp: { min_size: 262144, max_size: null, sizer: 'bytes', max_split_fragments: 65536, max_split_overhead_bytes: 8388608, max_split_fragments_per_flush: 65536 },
      max_batch_duration: '200ms',
      inbound_request_limit: 1024,
      outbound_request_limit: 512,
      format: 'preserve',
    });
    expect(batchSettings(result.ok ? result.value : {})).toMatchObject({ sizer: 'bytes', minSize: 262144, maxSize: Infinity, timeoutMs: 200, maxRequests: 1024 });
    // A format object given replaces the default whole, as upstream reads it: an absent size is null.
    const partial = check({ otlp: { max_size: 1000 } });
    expect(partial.ok && partial.value.otlp).toMatchObject({ min_size: null, max_size: 1000, sizer: 'bytes' });
  });

  it("refuses what upstream refuses, with paths", () => {
    expect(errors({ otlp: { min_size: null, max_size: null } })).toEqual(['batch.otlp: "otlp" needs min_size or max_size']);
    expect(errors({ otlp: { min_size: 10, max_size: 5 } })).toEqual(['batch.otlp: "otlp" max_size (5) must be at least min_size (10) or null']);
    expect(errors({ max_batch_duration: '0s' })).toEqual(['batch.otlp: "otlp" min_size needs a max_batch_duration above 0s']);
    expect(errors({ max_batch_duration: '0s', otlp: { max_size: null, min_size: null } })).toEqual(['batch.otlp: "otlp" needs min_size or max_size']);
    expect(errors({ otlp: { min_size: 0 } })[0]).toMatch(/^batch.otlp.min_size: /);
    expect(errors({ otap: { min_size: 10, sizer: 'bytes' } })).toEqual(['batch.otap: "otap" sizer must be items']);
    expect(errors({ send_batch_size: 10 })).toEqual(['batch.send_batch_size: unknown field "send_batch_size"']);
    expect(errors({ format: 'otap' })).toEqual(['batch.format: "format" must be otlp or preserve: otap cannot be honoured, this engine carries OTLP only and cannot convert to OTAP Arrow records']);
  });

  it('warns that OTAP sizing and outbound_request_limit have no effect here', () => {
    expect(warnings({ otap: { min_size: 1000, sizer: 'items' } })).toEqual([
      'batch.otap: has no effect in this engine: this engine carries OTLP only, which the otlp sizing governs',
    ]);
    expect(warnings({ outbound_request_limit: 10 })).toEqual([expect.stringMatching(/^batch.outbound_request_limit: .*no effect/)]);
    expect(warnings({})).toEqual([]);
  });

  it("accepts upstream's example configs", () => {
    for (const config of [
      { otap: { min_size: 1000, sizer: 'items' }, format: 'preserve', max_batch_duration: '3s' },
      { otap: { min_size: 1000, sizer: 'items' }, max_batch_duration: '3s' },
      { max_batch_duration: '500ms', format: 'preserve', otap: { min_size: 8192, max_size: null, sizer: 'items' }, otlp: { min_size: 1048576, max_size: null, sizer: 'bytes' } },
      { otlp: { min_size: 1048576, max_size: null, sizer: 'bytes', max_split_fragments: 65536, max_split_overhead_bytes: 8388608, max_split_fragments_per_flush: 65536 }, inbound_request_limit: 1024, outbound_request_limit: 512 },
      { format: 'otlp', otlp: { max_size: 4096, min_size: null }, max_batch_duration: '0s' },
    ]) {
      expect(errors(config)).toEqual([]);
    }
  });
});
