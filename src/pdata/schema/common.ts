// opentelemetry/proto/common/v1/common.proto and resource/v1/resource.proto.
import type { INamespace } from 'protobufjs';
import { message, namespace } from './define.js';

export const commonV1: INamespace = namespace(['common', 'v1'], {
  AnyValue: message(
    {
      stringValue: ['string', 1],
      boolValue: ['bool', 2],
      intValue: ['int64', 3],
      doubleValue: ['double', 4],
      arrayValue: ['ArrayValue', 5],
      kvlistValue: ['KeyValueList', 6],
      bytesValue: ['bytes', 7],
    },
    { value: ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue'] },
  ),
  ArrayValue: message({ values: ['AnyValue', 1, 'repeated'] }),
  KeyValueList: message({ values: ['KeyValue', 1, 'repeated'] }),
  KeyValue: message({ key: ['string', 1], value: ['AnyValue', 2] }),
  InstrumentationScope: message({
    name: ['string', 1],
    version: ['string', 2],
    attributes: ['KeyValue', 3, 'repeated'],
    droppedAttributesCount: ['uint32', 4],
  }),
  EntityRef: message({
    schemaUrl: ['string', 1],
    type: ['string', 2],
    idKeys: ['string', 3, 'repeated'],
    descriptionKeys: ['string', 4, 'repeated'],
  }),
});

export const resourceV1: INamespace = namespace(['resource', 'v1'], {
  Resource: message({
    attributes: ['opentelemetry.proto.common.v1.KeyValue', 1, 'repeated'],
    droppedAttributesCount: ['uint32', 2],
    entityRefs: ['opentelemetry.proto.common.v1.EntityRef', 3, 'repeated'],
  }),
});
