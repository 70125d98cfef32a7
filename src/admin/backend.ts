// What the admin API needs from the engine. The Express layer depends on this interface only, so routes stay thin
// and the supervisor stays free of HTTP.
import type { EngineStatus, PipelineStatus, ProbeResult } from '../state/status-types.js';
import type { PipelineSpec, EngineConfig } from '../config/types.js';

export interface PipelineDescription {
  pipelineGroupId: string;
  pipelineId: string;
  /** The committed pipeline config, secrets redacted. */
  config: PipelineSpec;
  desiredStatus: PipelineStatus['desiredStatus'];
  activeGeneration: number;
}

export interface GroupDescription {
  pipelineGroupId: string;
  /** Ids of the group's pipelines, sorted. */
  pipelines: string[];
}

export interface AdminBackend {
  status(): EngineStatus;
  /** undefined: group or pipeline unknown (the caller tells which with hasGroup). */
  pipelineStatus(group: string, pipeline: string): PipelineStatus | undefined;
  pipeline(group: string, pipeline: string): PipelineDescription | undefined;
  hasGroup(group: string): boolean;
  /** undefined: no such group. */
  group(group: string): GroupDescription | undefined;
  /** The committed config as it runs now, secrets redacted. */
  committedConfig(): EngineConfig;
  livez(): ProbeResult;
  readyz(): ProbeResult;
}
