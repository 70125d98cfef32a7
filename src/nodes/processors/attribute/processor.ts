// processor:attribute: inserts, updates, upserts, deletes, renames and hashes attributes of resources, scopes and
// records, for every signal. Without insert or upsert, a request in whose bytes no action's key occurs passes on
// untouched, and a request the actions did not change passes on as it came. Otherwise it edits the protobuf bytes in
// place (wire-transform.ts), unless an action needs the decoded value (hash): then it decodes, runs the actions on
// the objects and encodes. Both paths give the same request; fields the schema does not know (a newer OTLP) are kept.
import protobuf from 'protobufjs';
import type { NodeContext, NodeInstance, Processor } from '../../../pipeline/node.js';
import type { PData, Signal } from '../../../pipeline/pdata.js';
import { REQUEST_TYPES } from '../../../pdata/otlp-schema.js';
import { compileActions } from './actions.js';
import type { AttributeProcessorConfig } from './config.js';
import { requestVisitor, type RequestVisitor } from './visit.js';
import { NotOnWire } from '../../../pdata/wire-reader.js';
import { compileWireActions } from './wire-list.js';
import { wirePayloadTransform, type WirePayloadTransform } from './wire-transform.js';

/** Rewrites one request; the input when nothing changed. A payload that does not decode throws. */
export type AttributeTransform = (pdata: PData) => PData;

type Config = Pick<AttributeProcessorConfig, 'actions'> & Partial<AttributeProcessorConfig>;

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The reference path: decode with protobufjs, run the actions on the objects, encode. Runs every action. */
export function decodeAttributeTransform(config: Config): AttributeTransform {
  const actions = compileActions(config.actions);
  const targets = config.apply_to ?? ['signal'];
  const visitors: Record<Signal, RequestVisitor> = {
    logs: requestVisitor('logs', targets, actions),
    traces: requestVisitor('traces', targets, actions),
    metrics: requestVisitor('metrics', targets, actions),
  };
  return (pdata) => {
    const type = REQUEST_TYPES[pdata.signal];
    const reader = protobuf.Reader.create(pdata.payload);
    // Per reader, not protobufjs's global default: other decoders in the process keep theirs.
    reader.discardUnknown = false;
    const request = type.decode(reader);
    if (!visitors[pdata.signal](request)) return pdata;
    return { ...pdata, payload: type.encode(request).finish() };
  };
}

/**
 * The byte path (wire-transform.ts): the same result without decoding, for action lists without `hash` (which needs
 * the decoded value); undefined for the others. Throws NotOnWire for a request it does not handle.
 */
export function wireAttributeTransform(config: Config): AttributeTransform | undefined {
  const actions = compileWireActions(config.actions);
  if (actions === undefined) return undefined;
  const targets = config.apply_to ?? ['signal'];
  const transforms: Record<Signal, WirePayloadTransform> = {
    logs: wirePayloadTransform('logs', targets, actions),
    traces: wirePayloadTransform('traces', targets, actions),
    metrics: wirePayloadTransform('metrics', targets, actions),
  };
  return (pdata) => {
    const payload = transforms[pdata.signal](pdata.payload);
    return payload === undefined ? pdata : { ...pdata, payload };
  };
}

/**
 * Builds the transform once: the byte path when the actions allow it (chosen here, per config, not per record), the
 * decode path otherwise and for the rare request the byte path gives up on; the key bytes of the pre-check encoded.
 */
export function attributeTransform(config: Config): AttributeTransform {
  const decoded = decodeAttributeTransform(config);
  const onWire = wireAttributeTransform(config);
  const actions = compileActions(config.actions);
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
    if (onWire !== undefined) {
      try {
        return onWire(pdata);
      } catch (error) {
        if (!(error instanceof NotOnWire)) throw error;
      }
    }
    return decoded(pdata);
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
