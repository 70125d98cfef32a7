// opentelemetry/proto/logs/v1/logs.proto.
import type { INamespace } from 'protobufjs';
import { enumeration, message, namespace } from './define.js';

const KV = 'opentelemetry.proto.common.v1.KeyValue';

export const logsV1: INamespace = namespace(['logs', 'v1'], {
  LogsData: message({ resourceLogs: ['ResourceLogs', 1, 'repeated'] }),
  ResourceLogs: message({
    resource: ['opentelemetry.proto.resource.v1.Resource', 1],
    scopeLogs: ['ScopeLogs', 2, 'repeated'],
    schemaUrl: ['string', 3],
  }),
  ScopeLogs: message({
    scope: ['opentelemetry.proto.common.v1.InstrumentationScope', 1],
    logRecords: ['LogRecord', 2, 'repeated'],
    schemaUrl: ['string', 3],
  }),
  SeverityNumber: enumeration({
    SEVERITY_NUMBER_UNSPECIFIED: 0,
    SEVERITY_NUMBER_TRACE: 1,
    SEVERITY_NUMBER_TRACE2: 2,
    SEVERITY_NUMBER_TRACE3: 3,
    SEVERITY_NUMBER_TRACE4: 4,
    SEVERITY_NUMBER_DEBUG: 5,
    SEVERITY_NUMBER_DEBUG2: 6,
    SEVERITY_NUMBER_DEBUG3: 7,
    SEVERITY_NUMBER_DEBUG4: 8,
    SEVERITY_NUMBER_INFO: 9,
    SEVERITY_NUMBER_INFO2: 10,
    SEVERITY_NUMBER_INFO3: 11,
    SEVERITY_NUMBER_INFO4: 12,
    SEVERITY_NUMBER_WARN: 13,
    SEVERITY_NUMBER_WARN2: 14,
    SEVERITY_NUMBER_WARN3: 15,
    SEVERITY_NUMBER_WARN4: 16,
    SEVERITY_NUMBER_ERROR: 17,
    SEVERITY_NUMBER_ERROR2: 18,
    SEVERITY_NUMBER_ERROR3: 19,
    SEVERITY_NUMBER_ERROR4: 20,
    SEVERITY_NUMBER_FATAL: 21,
    SEVERITY_NUMBER_FATAL2: 22,
    SEVERITY_NUMBER_FATAL3: 23,
    SEVERITY_NUMBER_FATAL4: 24,
  }),
  LogRecordFlags: enumeration({ LOG_RECORD_FLAGS_DO_NOT_USE: 0, LOG_RECORD_FLAGS_TRACE_FLAGS_MASK: 0xff }),
  LogRecord: message({
    timeUnixNano: ['fixed64', 1],
    observedTimeUnixNano: ['fixed64', 11],
    severityNumber: ['SeverityNumber', 2],
    severityText: ['string', 3],
    body: ['opentelemetry.proto.common.v1.AnyValue', 5],
    attributes: [KV, 6, 'repeated'],
    droppedAttributesCount: ['uint32', 7],
    flags: ['fixed32', 8],
    traceId: ['bytes', 9],
    spanId: ['bytes', 10],
    eventName: ['string', 12],
  }),
});
