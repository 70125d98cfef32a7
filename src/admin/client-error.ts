// Requests Node's HTTP parser rejects never reach Express. Node would answer them with a bare status line; answering
// with the registry's JSON body and the security headers keeps "every answer" true for them too.
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { ApiError, type ErrorCode } from './errors.js';
import { SECURITY_HEADERS } from './security-headers.js';

function codeFor(err: NodeJS.ErrnoException): ErrorCode {
  if (err.code === 'HPE_HEADER_OVERFLOW') return 'HeadersTooLarge';
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'RequestTimeout';
  return 'MalformedHttpRequest';
}

const MESSAGES: Partial<Record<ErrorCode, string>> = {
  HeadersTooLarge: 'the request headers are too large',
  RequestTimeout: 'the request was not received in time',
  MalformedHttpRequest: 'the HTTP request could not be parsed',
};

export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex, logger: Logger): void {
  // A reset peer or a half-written answer leaves nothing to answer to.
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const code = codeFor(err);
  const apiError = new ApiError(code, MESSAGES[code] ?? 'bad request', {});
  logger.debug({ code: err.code, error_code: code }, 'admin client error');
  const body = JSON.stringify(apiError.toBody());
  const headers = {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    Connection: 'close',
  };
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  // The parser's state is unknown after the error: the connection cannot carry another request, so end it.
  socket.end(`HTTP/1.1 ${apiError.status} ${STATUS_CODES[apiError.status] ?? ''}\r\n${head}\r\n${body}`);
}
