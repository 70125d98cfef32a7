// Makes instance processes: the spec each one is sent (its pipeline config and listeners, how it logs, its telemetry)
// and the program it runs. The composition root makes one for the regular pipelines and the observability pipeline
// its own; the supervisor's tests make one whose program is a stand-in speaking the same IPC.
import type { Logger } from 'pino';
import type { EffectivePipeline } from '../config/effective.js';
import type { InstanceSpec } from '../ipc/messages.js';
import type { InstanceTelemetry } from '../ipc/telemetry.js';
import type { CoreEvent } from '../state/status-types.js';
import type { LogFormat } from '../util/logger.js';
import { INSTANCE_PROGRAM, InstanceProcess, type InstanceProgram } from './instance-process.js';
import { listenerSpecs } from './pipeline-listeners.js';

export interface LauncherOptions {
  heartbeatIntervalMs: number;
  logLevel: string;
  logFormat: LogFormat;
  telemetry?: InstanceTelemetry;
  /** Takes the log lines instances send for the observability pipeline. */
  instanceLogs?: (lines: string[], dropped: number) => void;
  program?: InstanceProgram;
}

export class InstanceLauncher {
  constructor(private readonly options: LauncherOptions) {}

  /** A process of `config` at `generation` for `core`, not started yet; it writes its events into the core's ring. */
  create(core: number, config: EffectivePipeline, generation: number, logger: Logger, recentEvents: CoreEvent[]): InstanceProcess {
    const { instanceLogs, program, ...instanceOptions } = this.options;
    const spec: InstanceSpec = { group: config.group, pipeline: config.pipeline, core, generation, config, listeners: listenerSpecs(config), ...instanceOptions };
    return new InstanceProcess(spec, logger, recentEvents, instanceLogs, program ?? INSTANCE_PROGRAM);
  }
}
