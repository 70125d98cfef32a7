// What both transports share: what they are given to run with, and the bounds they keep.
import type { Logger } from 'pino';
import type { ChangeSignal } from './changes.js';
import type { ConnectionTracker } from './connection.js';
import type { AgentSession } from './session.js';
import type { OpampSettings } from './settings.js';
import { ENGINE_VERSION } from './description.js';

export interface TransportContext {
  settings: OpampSettings;
  session: AgentSession;
  connection: ConnectionTracker;
  changes: ChangeSignal;
  logger: Logger;
  /** Aborted when the engine stops: the transport says goodbye (within shutdown_timeout) and returns. */
  signal: AbortSignal;
}

/** Far above any real ServerToAgent (a remote config is at most 4 MiB), so a broken server cannot exhaust memory. */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
/**
 * Messages the agent sends at once (a status change, a server's ReportFullState) are spaced at least this much, so a
 * server that asks for a full report in every answer gets a steady trickle, not a loop at network speed.
 */
export const MIN_SEND_GAP_MS = 50;
/** How long one HTTP exchange, or one WebSocket handshake, may take before it counts as failed. */
export const REQUEST_TIMEOUT_MS = 30_000;

export const USER_AGENT = `otap-engine/${ENGINE_VERSION}`;
