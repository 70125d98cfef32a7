// Reads back what a node emitted: decodes PData payloads with the engine's OTLP schema into OTLP/JSON objects and
// flattens them into the records tests compare.
import type { PData, Signal } from '../../src/pipeline/pdata.js';
import { otlpProtoToJson } from '../../src/pdata/json.js';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function decodePData(pdata: PData): Json {
  const decoded = otlpProtoToJson(pdata.signal, pdata.payload);
  if (!decoded.ok) throw new Error(`emitted payload does not decode: ${decoded.reason}`);
  return decoded.json;
}

/** Log records, spans or metrics (with their data) of every emitted PData of `signal`, in order. */
export function records(emitted: PData[], signal: Signal): Json[] {
  const out: Json[] = [];
  for (const pdata of emitted) {
    if (pdata.signal !== signal) continue;
    const request = decodePData(pdata);
    if (signal === 'logs') {
      for (const rl of request.resourceLogs ?? []) for (const sl of rl.scopeLogs ?? []) out.push(...(sl.logRecords ?? []));
    } else if (signal === 'traces') {
      for (const rs of request.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) out.push(...(ss.spans ?? []));
    } else {
      for (const rm of request.resourceMetrics ?? []) for (const sm of rm.scopeMetrics ?? []) out.push(...(sm.metrics ?? []));
    }
  }
  return out;
}
