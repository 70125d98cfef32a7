// The bodies receiver:otlp answers with, encoded field by field (src/nodes/receivers/otlp/responses.ts), decoded with
// the OTLP schema: what a client's protobuf library reads from them.
import { describe, expect, it } from 'vitest';
import { deliveredBody, partialSuccessBody, retryStatusDetails, statusBody, successBody } from '../../src/nodes/receivers/otlp/responses.js';
import { otlpRoot, RESPONSE_TYPES, RetryInfo, RpcStatus } from '../../src/pdata/otlp-schema.js';
import { SIGNALS } from '../../src/pipeline/pdata.js';

const LONG = `${'a message longer than 127 bytes, so that its length takes two bytes; '.repeat(3)}ünïcödé ✓`;
const asObject = { longs: Number, defaults: false } as const;

describe('receiver:otlp answer bodies', () => {
  it('encodes partial_success with the rejected count and the message, for every signal', () => {
    const field = { logs: 'rejectedLogRecords', traces: 'rejectedSpans', metrics: 'rejectedDataPoints' } as const;
    for (const signal of SIGNALS) {
      for (const [rejected, message] of [[1, 'one'], [300, LONG], [2 ** 40 + 5, '']] as const) {
        const type = RESPONSE_TYPES[signal];
        const decoded = type.toObject(type.decode(partialSuccessBody(signal, 'protobuf', rejected, message)), asObject);
        expect(decoded).toEqual({ partialSuccess: { [field[signal]]: rejected, ...(message ? { errorMessage: message } : {}) } });
      }
    }
  });

  it('answers success with an empty message unless items were rejected', () => {
    expect(successBody('protobuf').byteLength).toBe(0);
    expect(deliveredBody('logs', 'protobuf', {})).toEqual(successBody('protobuf'));
    const partial = RESPONSE_TYPES.logs.decode(deliveredBody('logs', 'protobuf', { rejectedItems: 3 }));
    expect(RESPONSE_TYPES.logs.toObject(partial, asObject)).toEqual({ partialSuccess: { rejectedLogRecords: 3, errorMessage: '3 items were rejected downstream' } });
    expect(JSON.parse(deliveredBody('logs', 'json', { rejectedItems: 3, message: 'm' }).toString())).toEqual({
      partialSuccess: { rejectedLogRecords: '3', errorMessage: 'm' },
    });
  });

  it('encodes a google.rpc.Status with its code and message', () => {
    for (const [code, message] of [[3, 'bad request'], [14, LONG]] as const) {
      expect(RpcStatus.toObject(RpcStatus.decode(statusBody('protobuf', code, message)), asObject)).toEqual({ code, message });
    }
    expect(JSON.parse(statusBody('json', 8, 'full').toString())).toEqual({ code: 8, message: 'full' });
  });

  it('carries a RetryInfo with the delay in the status details', () => {
    const status = RpcStatus.decode(retryStatusDetails(8, LONG, 7)) as unknown as {
      code: number;
      message: string;
      details: Array<{ typeUrl: string; value: Uint8Array }>;
    };
    expect(status.code).toBe(8);
    expect(status.message).toBe(LONG);
    expect(status.details.map((d) => d.typeUrl)).toEqual(['type.googleapis.com/google.rpc.RetryInfo']);
    const retry = RetryInfo.toObject(RetryInfo.decode(status.details[0]!.value), asObject);
    expect(retry).toEqual({ retryDelay: { seconds: 7 } });
    // The Any resolves by its type URL, as a client's library would.
    expect(otlpRoot.lookupType(status.details[0]!.typeUrl.split('/')[1]!).fullName).toBe('.google.rpc.RetryInfo');
  });
});
