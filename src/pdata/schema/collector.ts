// opentelemetry/proto/collector/{logs,trace,metrics}/v1/*_service.proto, plus the google.rpc messages OTLP answers
// with (Status in error bodies, RetryInfo as the retry hint in a RESOURCE_EXHAUSTED status).
import type { INamespace, IService } from 'protobufjs';
import { message, namespace } from './define.js';

function service(request: string, response: string): IService {
  return { methods: { Export: { requestType: request, responseType: response } } } as IService;
}

export const collectorV1: INamespace = namespace(['collector'], {
  logs: namespace(['v1'], {
    ExportLogsServiceRequest: message({ resourceLogs: ['opentelemetry.proto.logs.v1.ResourceLogs', 1, 'repeated'] }),
    ExportLogsServiceResponse: message({ partialSuccess: ['ExportLogsPartialSuccess', 1] }),
    ExportLogsPartialSuccess: message({ rejectedLogRecords: ['int64', 1], errorMessage: ['string', 2] }),
    LogsService: service('ExportLogsServiceRequest', 'ExportLogsServiceResponse'),
  }),
  trace: namespace(['v1'], {
    ExportTraceServiceRequest: message({ resourceSpans: ['opentelemetry.proto.trace.v1.ResourceSpans', 1, 'repeated'] }),
    ExportTraceServiceResponse: message({ partialSuccess: ['ExportTracePartialSuccess', 1] }),
    ExportTracePartialSuccess: message({ rejectedSpans: ['int64', 1], errorMessage: ['string', 2] }),
    TraceService: service('ExportTraceServiceRequest', 'ExportTraceServiceResponse'),
  }),
  metrics: namespace(['v1'], {
    ExportMetricsServiceRequest: message({
      resourceMetrics: ['opentelemetry.proto.metrics.v1.ResourceMetrics', 1, 'repeated'],
    }),
    ExportMetricsServiceResponse: message({ partialSuccess: ['ExportMetricsPartialSuccess', 1] }),
    ExportMetricsPartialSuccess: message({ rejectedDataPoints: ['int64', 1], errorMessage: ['string', 2] }),
    MetricsService: service('ExportMetricsServiceRequest', 'ExportMetricsServiceResponse'),
  }),
});

export const googleTypes: INamespace = {
  nested: {
    protobuf: {
      nested: {
        Any: message({ typeUrl: ['string', 1], value: ['bytes', 2] }),
        Duration: message({ seconds: ['int64', 1], nanos: ['int32', 2] }),
      },
    },
    rpc: {
      nested: {
        Status: message({
          code: ['int32', 1],
          message: ['string', 2],
          details: ['google.protobuf.Any', 3, 'repeated'],
        }),
        RetryInfo: message({ retryDelay: ['google.protobuf.Duration', 1] }),
      },
    },
  },
};
