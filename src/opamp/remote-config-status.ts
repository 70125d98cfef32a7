// The status of the remote config the agent reports (OpAMP's RemoteConfigStatus) as one state machine with one writer,
// the applier. UNSET until a server sends a config; then APPLYING while the reconcile runs, and APPLIED or FAILED with
// the reason. A config that cannot even be read goes straight to FAILED; one waiting for a busy pipeline is superseded
// when a newer one arrives (APPLYING to APPLYING, with the newer hash).
import { create, RemoteConfigStatuses, RemoteConfigStatusSchema, type RemoteConfigStatus } from './proto.js';

export type RemoteConfigState = 'unset' | 'applying' | 'applied' | 'failed';

const NEXT: Record<RemoteConfigState, readonly RemoteConfigState[]> = {
  unset: ['applying', 'failed'],
  applying: ['applying', 'applied', 'failed'],
  applied: ['applying', 'failed'],
  failed: ['applying', 'failed'],
};

const WIRE: Record<RemoteConfigState, RemoteConfigStatuses> = {
  unset: RemoteConfigStatuses.RemoteConfigStatuses_UNSET,
  applying: RemoteConfigStatuses.RemoteConfigStatuses_APPLYING,
  applied: RemoteConfigStatuses.RemoteConfigStatuses_APPLIED,
  failed: RemoteConfigStatuses.RemoteConfigStatuses_FAILED,
};

export interface RemoteConfigReport {
  state: RemoteConfigState;
  /** The server's hash of the config this status is about (empty while unset). */
  hash: Uint8Array;
  message: string;
}

export class IllegalRemoteConfigTransition extends Error {}

export function nextRemoteConfigReport(from: RemoteConfigReport, to: RemoteConfigReport): RemoteConfigReport {
  if (!NEXT[from.state].includes(to.state)) throw new IllegalRemoteConfigTransition(`remote config status cannot go from ${from.state} to ${to.state}`);
  return to;
}

export function toWire(report: RemoteConfigReport): RemoteConfigStatus {
  return create(RemoteConfigStatusSchema, { status: WIRE[report.state], lastRemoteConfigHash: report.hash, errorMessage: report.message });
}
