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
