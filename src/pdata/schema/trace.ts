// opentelemetry/proto/trace/v1/trace.proto.
import type { INamespace } from 'protobufjs';
import { enumeration, message, namespace } from './define.js';

const KV = 'opentelemetry.proto.common.v1.KeyValue';

export const traceV1: INamespace = namespace(['trace', 'v1'], {
  TracesData: message({ resourceSpans: ['ResourceSpans', 1, 'repeated'] }),
  ResourceSpans: message({
    resource: ['opentelemetry.proto.resource.v1.Resource', 1],
    scopeSpans: ['ScopeSpans', 2, 'repeated'],
    schemaUrl: ['string', 3],
  }),
  ScopeSpans: message({
    scope: ['opentelemetry.proto.common.v1.InstrumentationScope', 1],
    spans: ['Span', 2, 'repeated'],
    schemaUrl: ['string', 3],
  }),
  Span: message(
    {
      traceId: ['bytes', 1],
      spanId: ['bytes', 2],
      traceState: ['string', 3],
      parentSpanId: ['bytes', 4],
      flags: ['fixed32', 16],
      name: ['string', 5],
      kind: ['SpanKind', 6],
      startTimeUnixNano: ['fixed64', 7],
      endTimeUnixNano: ['fixed64', 8],
      attributes: [KV, 9, 'repeated'],
      droppedAttributesCount: ['uint32', 10],
      events: ['Event', 11, 'repeated'],
      droppedEventsCount: ['uint32', 12],
      links: ['Link', 13, 'repeated'],
      droppedLinksCount: ['uint32', 14],
      status: ['Status', 15],
    },
    {},
    {
      SpanKind: enumeration({
        SPAN_KIND_UNSPECIFIED: 0,
        SPAN_KIND_INTERNAL: 1,
        SPAN_KIND_SERVER: 2,
        SPAN_KIND_CLIENT: 3,
        SPAN_KIND_PRODUCER: 4,
        SPAN_KIND_CONSUMER: 5,
      }),
      Event: message({
        timeUnixNano: ['fixed64', 1],
        name: ['string', 2],
        attributes: [KV, 3, 'repeated'],
        droppedAttributesCount: ['uint32', 4],
      }),
      Link: message({
        traceId: ['bytes', 1],
        spanId: ['bytes', 2],
        traceState: ['string', 3],
        attributes: [KV, 4, 'repeated'],
        droppedAttributesCount: ['uint32', 5],
        flags: ['fixed32', 6],
      }),
    },
  ),
  Status: message(
    { message: ['string', 2], code: ['StatusCode', 3] },
    {},
    { StatusCode: enumeration({ STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 }) },
  ),
  SpanFlags: enumeration({
    SPAN_FLAGS_DO_NOT_USE: 0,
    SPAN_FLAGS_TRACE_FLAGS_MASK: 0xff,
    SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK: 0x100,
    SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK: 0x200,
  }),
});
