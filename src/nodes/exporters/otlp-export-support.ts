// What the two OTLP exporters (HTTP and gRPC) do alike around one export: ask the bound token provider for the
// Authorization header, and say once that a peer accepted data with a warning.
import type { Logger } from 'pino';
import type { BearerTokenProvider } from '../../extensions/capabilities.js';
import type { PartialSuccess } from './otlp-http/partial-success.js';
import { bearerHeader } from '../../util/authorization.js';

/**
 * The Authorization header for this export, asked of the provider every time (it knows when its token was rotated or
 * refreshed), or why there is none: that is retryable, so no data is lost while credentials recover.
 */
export async function bearerAuthorization(tokens: BearerTokenProvider): Promise<{ header: string } | { retryable: string }> {
  try {
    return { header: bearerHeader((await tokens.token()).value) };
  } catch (error) {
    return { retryable: (error as Error).message };
  }
}

/** Rejected items are counted and logged by the runtime; a warning with nothing rejected is worth one line only. */
export class PartialWarning {
  private warned = false;

  note(partial: PartialSuccess | undefined, logger: Logger | undefined): void {
    if (!partial || partial.rejected !== 0 || this.warned) return;
    logger?.warn({ message: partial.message }, 'peer accepted the data with a warning (logged once)');
    this.warned = true;
  }
}

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy', 'GRPC_PROXY', 'grpc_proxy'];

/**
 * Upstream's clients go through the proxy these variables name; ours connect directly. Said once at start, so that an
 * operator who relies on a proxy learns why the peer is unreachable.
 */
export function warnIgnoredProxyVariables(logger: Logger, env: NodeJS.ProcessEnv = process.env): void {
  const set = PROXY_VARIABLES.filter((name) => (env[name] ?? '') !== '');
  if (set.length > 0) logger.warn({ variables: set }, 'proxy environment variables are not honoured: the exporter connects directly');
}

/** Says at start that the peer's certificate is not checked (`insecure_skip_verify: true`). */
export function warnUnverifiedTls(logger: Logger, verifiesServer: boolean): void {
  if (!verifiesServer) logger.warn('TLS without checking the server certificate (tls.insecure_skip_verify: true): anyone on the path can read and change the data');
}

/**
 * A transport error in a few words: its code first (ECONNREFUSED, ERR_TLS_CERT_ALTNAME_INVALID...). OpenSSL's own text
 * for an alert the peer sent is mostly noise, so those are said plainly.
 */
export function describeTransportError(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED') return `${code}: the peer requires a client certificate (tls.cert_file and tls.key_file)`;
  if (code?.startsWith('ERR_SSL_')) return `${code}: the peer ended the TLS session`;
  const message = error.message.trim();
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}
