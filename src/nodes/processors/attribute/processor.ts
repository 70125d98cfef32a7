// processor:attribute: inserts, updates, upserts, deletes, renames and hashes attributes of resources, scopes and
// records, for every signal. It has to look inside, so it decodes; but only when an action can apply: without insert
// or upsert, a request in whose bytes no action's key occurs passes on untouched, and a request the actions did not
// change passes on as it came, without re-encoding. Fields the schema does not know (a newer OTLP) are kept.
import protobuf from 'protobufjs';
import type { NodeContext, NodeInstance, Processor } from '../../../pipeline/node.js';
import type { PData, Signal } from '../../../pipeline/pdata.js';
import { REQUEST_TYPES } from '../../../pdata/otlp-schema.js';
import { compileActions } from './actions.js';
import type { AttributeProcessorConfig } from './config.js';
import { requestVisitor, type RequestVisitor } from './visit.js';

/** Rewrites one request; the input when nothing changed. A payload that does not decode throws. */
export type AttributeTransform = (pdata: PData) => PData;

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Builds the transform once: actions compiled, one visitor per signal, the key bytes of the pre-check encoded. */
export function attributeTransform(config: Pick<AttributeProcessorConfig, 'actions'> & Partial<AttributeProcessorConfig>): AttributeTransform {
  const actions = compileActions(config.actions);
  const targets = config.apply_to ?? ['record'];
  const visitors: Record<Signal, RequestVisitor> = {
    logs: requestVisitor('logs', targets, actions),
    traces: requestVisitor('traces', targets, actions),
    metrics: requestVisitor('metrics', targets, actions),
  };
  const keyBytes = actions.requiredKeys.map((key) => Buffer.from(key, 'utf8'));
  // An attribute key is stored as its UTF-8 bytes, so one that is not in the payload's bytes is in no list of it.
  const mayApply = actions.creates
    ? () => true
    : (payload: Uint8Array): boolean => {
        const bytes = asBuffer(payload);
        for (const key of keyBytes) if (bytes.indexOf(key) !== -1) return true;
        return false;
      };

  return (pdata) => {
    if (!mayApply(pdata.payload)) return pdata;
    const type = REQUEST_TYPES[pdata.signal];
    const reader = protobuf.Reader.create(pdata.payload);
    // Per reader, not protobufjs's global default: other decoders in the process keep theirs.
    reader.discardUnknown = false;
    const request = type.decode(reader);
    if (!visitors[pdata.signal](request)) return pdata;
    return { ...pdata, payload: type.encode(request).finish() };
  };
}

class AttributeProcessor implements Processor {
  constructor(private readonly transform: AttributeTransform) {}

  process(pdata: PData, ctx: NodeContext): Promise<void> {
    // A request that does not decode throws here: the runtime counts its items as failed and logs once per episode.
    // Passing it on unchanged could leak what a delete or hash was configured to remove.
    return ctx.emit(this.transform(pdata));
  }
}

export function createAttributeProcessor(_name: string, config: Record<string, unknown>): NodeInstance {
  return { kind: 'processor', node: new AttributeProcessor(attributeTransform(config as unknown as AttributeProcessorConfig)) };
}
