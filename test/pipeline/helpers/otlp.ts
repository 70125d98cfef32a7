// Real OTLP payloads for tests: log records made by the OpenTelemetry JS SDK and encoded by its own protobuf
// serializer, and a schema-free reader that lists the record bodies of a request so tests can check exactly-once.
import { ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import protobuf from 'protobufjs/minimal.js';
import type { PData } from '../../../src/pipeline/pdata.js';

/** One ExportLogsServiceRequest holding one log record per body. */
export function logsPayload(bodies: string[]): Uint8Array {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
  const logger = provider.getLogger('otap-engine-test');
  for (const body of bodies) logger.emit({ body, severityText: 'INFO' });
  const bytes = ProtobufLogsSerializer.serializeRequest(exporter.getFinishedLogRecords());
  if (!bytes) throw new Error('serializer produced nothing');
  return bytes;
}

export function logsPData(bodies: string[]): PData {
  return { signal: 'logs', payload: logsPayload(bodies), items: bodies.length };
}

let seq = 0;
/** A message of `n` records with unique bodies `<prefix>-<seq>`. */
export function uniqueLogs(n: number, prefix = 'rec'): { pdata: PData; bodies: string[] } {
  const bodies = Array.from({ length: n }, () => `${prefix}-${seq++}`);
  return { pdata: logsPData(bodies), bodies };
}

/** Bodies (string values) of every log record in an encoded ExportLogsServiceRequest, in order. */
export function logBodies(payload: Uint8Array): string[] {
  const out: string[] = [];
  eachField(payload, 1, (resourceLogs) =>
    eachField(resourceLogs, 2, (scopeLogs) =>
      eachField(scopeLogs, 2, (record) =>
        eachField(record, 5, (anyValue) => eachField(anyValue, 1, (s) => out.push(Buffer.from(s).toString('utf8')))),
      ),
    ),
  );
  return out;
}

function eachField(bytes: Uint8Array, field: number, visit: (value: Uint8Array) => void): void {
  const reader = protobuf.Reader.create(bytes);
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag >>> 3 === field && (tag & 7) === 2) visit(reader.bytes());
    else reader.skipType(tag & 7);
  }
}
