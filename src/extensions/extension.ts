// The contract between the extension runtime (host.ts) and extension implementations. An extension is built once per
// pipeline instance; `start()` resolving means it is ready (a token fetched, a file read), and the instance reports
// Ready only after every extension is. Active extensions run their own loop (a token refresh timer) from start() to
// stop(); passive ones only answer calls.
import type { Logger } from 'pino';
import type { NodeCapabilities } from './capabilities.js';

export interface ExtensionContext {
  /** Name of the extension in the pipeline config. */
  readonly name: string;
  readonly logger: Logger;
}

export interface Extension {
  /** The capability objects this extension offers, by capability name. */
  readonly capabilities: NodeCapabilities;
  /** Resolves once the extension can serve; rejects (with a reason an operator can act on) when it cannot. */
  start(ctx: ExtensionContext): Promise<void>;
  /** Ends its own loops and releases what it holds. Called once, after every node stopped. */
  stop(): Promise<void>;
}

export type ExtensionFactory = (name: string, config: Record<string, unknown>) => Extension;
