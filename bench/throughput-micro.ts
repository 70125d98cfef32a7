// The per-request costs behind the throughput bench, without HTTP: the receiver's wire scan, and the protobufjs decode
// and decode + encode that processor:attribute and processor:filter do, on the bench's own 512-record requests. Not
// part of `bench/throughput.ts` (it keeps that run short); run it on its own, pinned to a core:
//   taskset -c 1 node --import tsx bench/throughput-micro.ts
import protobuf from 'protobufjs';
import { performance } from 'node:perf_hooks';
import { REQUEST_TYPES } from '../src/pdata/otlp-schema.js';
import { scanRequest } from '../src/pdata/wire.js';
import { RECORDS_PER_REQUEST, requestSet, type BenchSignal } from './throughput-payloads.js';

const MS = 2000;

function decode(signal: BenchSignal, bytes: Buffer) {
  const reader = protobuf.Reader.create(bytes);
  reader.discardUnknown = false; // as processor:attribute does
  return REQUEST_TYPES[signal].decode(reader);
}

for (const signal of ['logs', 'traces'] as const) {
  const set = requestSet(signal, 16);
  const steps: Array<[string, (b: Buffer) => unknown]> = [
    ['wire scan', (b) => scanRequest(signal, b)],
    ['protobufjs decode', (b) => decode(signal, b)],
    ['protobufjs decode + encode', (b) => REQUEST_TYPES[signal].encode(decode(signal, b)).finish()],
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
