// The per-request costs behind the throughput bench, without HTTP: the receiver's wire scan, the protobufjs decode and
// decode + encode that the processors' decode paths do, and the rename and filter of the bench's pipelines on both of
// their paths (the byte path they take, and the decode path they fall back to), on the bench's own 512-record
// requests. Not part of `bench/throughput.ts` (it keeps that run short); run it on its own, pinned to a core:
//   taskset -c 1 node --import tsx bench/throughput-micro.ts
import protobuf from 'protobufjs';
import { performance } from 'node:perf_hooks';
import { decodeAttributeTransform, attributeTransform } from '../src/nodes/processors/attribute/processor.js';
import { FilterProcessor, filterSettings, type FilterPath } from '../src/nodes/processors/filter/processor.js';
import type { FilterProcessorConfig } from '../src/nodes/processors/filter/config.js';
import { REQUEST_TYPES } from '../src/pdata/otlp-schema.js';
import { scanRequest } from '../src/pdata/wire.js';
import type { NodeContext } from '../src/pipeline/node.js';
import type { PData } from '../src/pipeline/pdata.js';
import { HEALTHZ_ROUTE, RECORDS_PER_REQUEST, RENAME, requestSet, type BenchSignal } from './throughput-payloads.js';

const MS = 2000;

function decode(signal: BenchSignal, bytes: Buffer) {
  const reader = protobuf.Reader.create(bytes);
  reader.discardUnknown = false; // as the processors do
  return REQUEST_TYPES[signal].decode(reader);
}

const FILTERS: Record<BenchSignal, Partial<FilterProcessorConfig>> = {
  logs: { logs: { include: { match_type: 'strict', resource_attributes: [], record_attributes: [], severity_texts: [], bodies: [], severity_number: { min: 9, match_undefined: true } }, log_record: [] } },
  traces: { traces: { exclude: { match_type: 'strict', resource_attributes: [], span_attributes: [{ key: 'http.route', value: HEALTHZ_ROUTE }], span_names: [], event_names: [], event_attributes: [], link_attributes: [] } } },
};

function filterStep(signal: BenchSignal, path: FilterPath): (b: Buffer) => unknown {
  const node = new FilterProcessor(filterSettings(FILTERS[signal]), path);
  const ctx = { emit: () => undefined } as unknown as NodeContext;
  return (b) => node.process({ signal, payload: b, items: RECORDS_PER_REQUEST }, ctx);
}

for (const signal of ['logs', 'traces'] as const) {
  const set = requestSet(signal, 16);
  const rename = { actions: [{ action: 'rename' as const, ...RENAME }] };
  const renameOnWire = attributeTransform(rename);
  const renameDecoded = decodeAttributeTransform(rename);
  const pdata = (b: Buffer): PData => ({ signal, payload: b, items: RECORDS_PER_REQUEST });
  const steps: Array<[string, (b: Buffer) => unknown]> = [
    ['wire scan', (b) => scanRequest(signal, b)],
    ['protobufjs decode', (b) => decode(signal, b)],
    ['protobufjs decode + encode', (b) => REQUEST_TYPES[signal].encode(decode(signal, b)).finish()],
    ['rename, byte path', (b) => renameOnWire(pdata(b))],
    ['rename, decode path', (b) => renameDecoded(pdata(b))],
    ['filter, byte path', filterStep(signal, 'wire')],
    ['filter, decode path', filterStep(signal, 'decode')],
  ];
  for (const [name, fn] of steps) {
    for (let i = 0; i < 200; i++) fn(set[i % set.length]!); // warm-up
    const start = performance.now();
    let n = 0;
    while (performance.now() - start < MS) fn(set[n++ % set.length]!);
    const ms = (performance.now() - start) / n;
    console.log(`${signal.padEnd(6)} ${name.padEnd(27)} ${(ms * 1000).toFixed(0).padStart(5)} µs/request  ${Math.round((RECORDS_PER_REQUEST / ms) * 1000).toLocaleString('en-US').padStart(10)} records/s`);
  }
}
