// Upstream's health policy applied to the phases of a pipeline's cores: which phases count as live or ready, and the
// quorum of cores that must be in them. Pure, so the status projection and the probes share one reading.
import type { HealthPhaseKind, Quorum } from '../config/types.js';
import type { InstancePhase } from './phase.js';

const KIND_OF: Record<InstancePhase, HealthPhaseKind> = {
  pending: 'Pending',
  starting: 'Starting',
  running: 'Running',
  updating: 'Updating',
  rolling_back: 'RollingBack',
  draining: 'Draining',
  stopped: 'Stopped',
  failed: 'Failed',
  deleting: 'Deleting',
  deleted: 'Deleted',
};

/** How many of `phases` are among `accepted` (upstream spells phases in PascalCase). */
export function countInPhases(phases: readonly InstancePhase[], accepted: readonly HealthPhaseKind[]): number {
  return phases.filter((phase) => accepted.includes(KIND_OF[phase])).length;
}

/** A percentage quorum needs at least one core besides the share, so an empty pipeline is never ready. */
export function quorumMet(quorum: Quorum, count: number, total: number): boolean {
  if ('AtLeast' in quorum) return count >= quorum.AtLeast;
  return count > 0 && (count * 100) / total >= quorum.Percent;
}

export function describeQuorum(quorum: Quorum): string {
  return 'AtLeast' in quorum ? `at least ${quorum.AtLeast}` : `${quorum.Percent}%`;
}
