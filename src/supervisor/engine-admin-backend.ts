// The admin API's view of the engine: read-only projections, secrets redacted.
import type { AdminBackend, PipelineDescription } from '../admin/backend.js';
import type { EngineConfig } from '../config/types.js';
import type { EngineStatus, PipelineStatus, ProbeFailure, ProbeResult } from '../state/status-types.js';
import { redactSecrets } from '../util/redact.js';
import { isoNow } from '../util/time.js';
import type { Engine } from './engine.js';

export class EngineAdminBackend implements AdminBackend {
  constructor(private readonly engine: Engine) {}

  status(): EngineStatus {
    const pipelines: Record<string, PipelineStatus> = {};
    for (const [key, runner] of this.engine.runners) pipelines[key] = runner.status();
    return { generatedAt: isoNow(), pipelines };
  }

  pipelineStatus(group: string, pipeline: string): PipelineStatus | undefined {
    return this.engine.runners.get(`${group}:${pipeline}`)?.status();
  }

  pipeline(group: string, pipeline: string): PipelineDescription | undefined {
    const runner = this.engine.runners.get(`${group}:${pipeline}`);
    const spec = this.engine.config.groups[group]?.pipelines[pipeline];
    if (!runner || !spec) return undefined;
    return {
      pipelineGroupId: group,
      pipelineId: pipeline,
      config: redactSecrets(spec),
      desiredStatus: runner.desired,
      activeGeneration: runner.generation,
    };
  }

  hasGroup(group: string): boolean {
    return Object.hasOwn(this.engine.config.groups, group);
  }

  group(group: string): { pipelineGroupId: string; pipelines: string[] } | undefined {
    const spec = this.engine.config.groups[group];
    return spec ? { pipelineGroupId: group, pipelines: Object.keys(spec.pipelines).sort() } : undefined;
  }

  committedConfig(): EngineConfig {
    return redactSecrets(this.engine.config);
  }

  /** Live unless a pipeline has failed beyond its own recovery: that one will not heal without an operator. */
  livez(): ProbeResult {
    const failing: ProbeFailure[] = [];
    for (const [key, runner] of this.engine.runners) {
      if (runner.status().deploymentStatus === 'failed') failing.push({ pipeline: key, condition: 'Failed' });
    }
    return probe('livez', failing);
  }

  /** Ready when every pipeline meant to run meets its ready quorum. */
  readyz(): ProbeResult {
    const failing: ProbeFailure[] = [];
    for (const [key, runner] of this.engine.runners) {
      if (runner.desired !== 'running') continue;
      const ready = runner.status().conditions.find((c) => c.type === 'Ready');
      if (ready?.status !== 'True') failing.push({ pipeline: key, condition: 'Ready' });
    }
    return probe('readyz', failing);
  }
}

function probe(name: ProbeResult['probe'], failing: ProbeFailure[]): ProbeResult {
  return {
    probe: name,
    status: failing.length === 0 ? 'ok' : 'failed',
    generatedAt: isoNow(),
    ...(failing.length > 0 ? { message: `${failing.length} pipeline(s) failing` } : {}),
    failing,
  };
}
