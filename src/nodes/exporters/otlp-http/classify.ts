// Maps what an OTLP/HTTP peer answered to an export outcome, following the OTLP/HTTP spec: 2xx accepted; 429, 502,
// 503, 504 and network failures are transient (with the peer's Retry-After); every other status is final.
import type { ExportResult } from '../../../pipeline/pdata.js';
import { describeTransportError } from '../otlp-export-support.js';
import type { PostOutcome } from './http-post.js';
import { parsePartialSuccess, type PartialSuccess } from './partial-success.js';
import { parseRetryAfter } from './retry-after.js';

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const MAX_REASON_CHARS = 200;

export interface Classified {
  result: ExportResult;
  /** Set on a 2xx answer that carried partial_success. */
  partial?: PartialSuccess;
}

/** `sentJson`: the request was OTLP/JSON, so a response that does not say its type is read as JSON (OTLP/HTTP answers
 * in the request's Content-Type). */
export function classify(outcome: PostOutcome, sentJson = false): Classified {
  switch (outcome.kind) {
    case 'network':
      return { result: { kind: 'retryable', reason: describeTransportError(outcome.error) } };
    case 'invalid':
      return { result: { kind: 'failure', reason: `request could not be made: ${outcome.error.message}` } };
    case 'too-large':
      // The peer took the data; an answer we will not read is no reason to send it again (upstream fails it too).
      return { result: { kind: 'failure', reason: `HTTP ${outcome.status} with a body larger than max_response_body_length (${outcome.limit} bytes)` } };
    case 'response':
      break;
  }
  const { status, headers, body } = outcome;
  if (status >= 200 && status < 300) {
    const partial = parsePartialSuccess(body, headers['content-type'], sentJson);
    if (!partial) return { result: { kind: 'success' } };
    return { result: { kind: 'success', rejectedItems: partial.rejected, message: partial.message }, partial };
  }
  const reason = `HTTP ${status}${bodyText(body, headers['content-type'])}`;
  if (RETRYABLE_STATUS.has(status)) {
    const retryAfterMs = parseRetryAfter(headers['retry-after']);
    return { result: retryAfterMs === undefined ? { kind: 'retryable', reason } : { kind: 'retryable', reason, retryAfterMs } };
  }
  return { result: { kind: 'failure', reason } };
}


/** A short, printable hint of an error body (OTLP peers answer a google.rpc.Status or plain text). */
function bodyText(body: Buffer, contentType: string | undefined): string {
  if (body.length === 0 || (contentType !== undefined && !/text|json/.test(contentType))) return '';
  return `: ${body.toString('utf8', 0, Math.min(body.length, MAX_REASON_CHARS)).replace(/\s+/g, ' ').trim()}`;
}
