// The engine's Prometheus metrics (`GET /api/v1/metrics`). Counters that live in instances are not pushed into
// prom-client as they happen: instances send cumulative counters over IPC, and each scrape reads them (collect) from
// the counter ledger and the runners. So a scrape costs one pass over the pipelines and nothing runs between scrapes.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { adminRequestHistogram, type AdminMetrics } from '../admin/metrics.js';
import type { ReconcileStatus, RolloutStatus, ShutdownStatus } from '../state/operations.js';
import { SIGNALS } from '../pipeline/pdata.js';
import { CUMULATIVE_COUNTERS, type CounterLedger, type CumulativeCounter } from './counter-ledger.js';
import type { OperationObserver, RuntimeManager } from './runtime-manager.js';

const NODE_COUNTER_HELP: Record<CumulativeCounter, string> = {
  itemsReceived: 'Items (log records, spans, metric data points) a node took in.',
  itemsSent: 'Items a node handed on (exporters: delivered to their peer).',
  itemsRefused: 'Items refused to a client because the pipeline was full (429 / RESOURCE_EXHAUSTED).',
  itemsDropped: 'Items a node gave up on: filtered out on purpose, rejected by a peer, or abandoned at a drain deadline.',
  itemsFailed: 'Items of messages a node failed to handle.',
  bytesReceived: 'Protobuf bytes of the messages a node took in.',
  bytesSent: 'Protobuf bytes of the messages a node handed on.',
  bytesRefused: 'Protobuf bytes of the messages refused to clients.',
  bytesDropped: 'Protobuf bytes of whole messages dropped (items dropped from inside a message count in items only).',
  bytesFailed: 'Protobuf bytes of the messages a node failed to handle.',
  requestsUnauthorized: 'Requests a receiver refused for missing or rejected credentials.',
};

const OPTIONAL_COUNTERS: ReadonlySet<CumulativeCounter> = new Set(['requestsUnauthorized']);

/** `itemsReceived` → `items_received`. */
function snake(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

const PIPELINE_LABELS = ['group', 'pipeline'] as const;
const INSTANCE_LABELS = ['group', 'pipeline', 'core', 'generation'] as const;
const OPERATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

function secondsSince(iso: string): number {
  const started = Date.parse(iso);
  return Number.isFinite(started) ? Math.max(0, (Date.now() - started) / 1000) : 0;
}

export class EngineMetrics implements AdminMetrics, OperationObserver {
  readonly registry = new Registry();
  readonly adminRequests = adminRequestHistogram(this.registry);
  private readonly rollouts: Counter<'action' | 'outcome'>;
  private readonly rolloutSeconds: Histogram<'action' | 'outcome'>;
  private readonly shutdowns: Counter<'outcome'>;
  private readonly shutdownSeconds: Histogram<'outcome'>;
  private readonly reconciles: Counter<'trigger' | 'outcome'>;

  constructor(
    private readonly manager: () => RuntimeManager,
    private readonly ledger: CounterLedger,
  ) {
    const registers = [this.registry];
    // The supervisor process itself: memory, file descriptors, event-loop lag.
    collectDefaultMetrics({ register: this.registry, prefix: 'otap_supervisor_' });

    for (const field of CUMULATIVE_COUNTERS) this.nodeCounterFamilies(field);
    this.instanceGauges();
    this.perfFamilies();
    this.pipelineGauges();

    this.rollouts = new Counter({ name: 'otap_rollouts_total', help: 'Rollouts that ended, by action and outcome (final state).', labelNames: ['action', 'outcome'] as const, registers });
    this.rolloutSeconds = new Histogram({
      name: 'otap_rollout_duration_seconds',
      help: 'How long rollouts took from start to their final state, by action and outcome.',
      labelNames: ['action', 'outcome'] as const,
      buckets: OPERATION_BUCKETS,
      registers,
    });
    this.shutdowns = new Counter({ name: 'otap_shutdowns_total', help: 'Pipeline shutdowns that ended, by outcome.', labelNames: ['outcome'] as const, registers });
    this.shutdownSeconds = new Histogram({
      name: 'otap_shutdown_duration_seconds',
      help: 'How long pipeline shutdowns (drains) took, by outcome.',
      labelNames: ['outcome'] as const,
      buckets: OPERATION_BUCKETS,
      registers,
    });
    this.reconciles = new Counter({
      name: 'otap_reconciles_total',
      help: 'Reconciles that ended, by trigger (api, reload) and outcome (succeeded, failed, rejected).',
      labelNames: ['trigger', 'outcome'] as const,
      registers,
    });
  }

  rolloutFinished(status: RolloutStatus): void {
    this.rollouts.inc({ action: status.action, outcome: status.state });
    this.rolloutSeconds.observe({ action: status.action, outcome: status.state }, secondsSince(status.startedAt));
  }

  shutdownFinished(status: ShutdownStatus): void {
    this.shutdowns.inc({ outcome: status.state });
    this.shutdownSeconds.observe({ outcome: status.state }, secondsSince(status.startedAt));
  }

  reconcileFinished(status: ReconcileStatus): void {
    this.reconciles.inc({ trigger: status.trigger, outcome: status.state });
  }

  /**
   * Two families per counter: the pipeline total (every instance the pipeline ever had, so it never goes back when a
   * generation retires) and the live instances' own counts, by core and generation.
   */
  private nodeCounterFamilies(field: CumulativeCounter): void {
    const ledger = this.ledger;
    const name = snake(field);
    // Counted only by some nodes (receivers bound to an authorizer): no series of zeros for every other node.
    const optional = OPTIONAL_COUNTERS.has(field);
    new Counter({
      name: `otap_pipeline_node_${name}_total`,
      help: `${NODE_COUNTER_HELP[field]} Pipeline total over all its instances, past and present.`,
      labelNames: [...PIPELINE_LABELS, 'node'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [key, nodes] of ledger.totals()) {
          const [group, pipeline] = splitKey(key);
          for (const [node, totals] of nodes) {
            if (optional && totals[field] === 0) continue;
            this.inc({ group, pipeline, node }, totals[field]);
          }
        }
      },
    });
    new Counter({
      name: `otap_instance_node_${name}_total`,
      help: `${NODE_COUNTER_HELP[field]} Per running instance, since it started.`,
      labelNames: [...INSTANCE_LABELS, 'node'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const instance of ledger.liveInstances()) {
          const labels = instanceLabels(instance.spec);
          for (const [node, counters] of Object.entries(instance.counters)) {
            const value = counters[field];
            if (value !== undefined) this.inc({ ...labels, node }, value);
          }
        }
      },
    });
  }

  private instanceGauges(): void {
    const ledger = this.ledger;
    const manager = this.manager;
    new Gauge({
      name: 'otap_instance_node_queue_depth',
      help: "Messages waiting in a node's input channel, at the instance's latest heartbeat.",
      labelNames: [...INSTANCE_LABELS, 'node'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const instance of ledger.liveInstances()) {
          const labels = instanceLabels(instance.spec);
          for (const [node, counters] of Object.entries(instance.counters)) this.set({ ...labels, node }, counters.queueDepth);
        }
      },
    });
    const perInstance = (name: string, help: string, value: (i: { cpuPercent: number; rssBytes: number }) => number) =>
      new Gauge({
        name,
        help,
        labelNames: INSTANCE_LABELS,
        registers: [this.registry],
        collect() {
          this.reset();
          for (const runner of manager().runners.values()) {
            const { group, pipeline } = runner.config;
            for (const instance of runner.status().instances) {
              if (instance.pid === null) continue;
              this.set({ group, pipeline, core: String(instance.coreId), generation: String(instance.deploymentGeneration) }, value(instance));
            }
          }
        },
      });
    perInstance('otap_instance_cpu_percent', 'CPU use of an instance process, percent of one core (sampled every 2 s).', (i) => i.cpuPercent);
    perInstance('otap_instance_rss_bytes', 'Resident memory of an instance process (sampled every 2 s).', (i) => i.rssBytes);
    new Counter({
      name: 'otap_instance_restarts_total',
      help: 'Restarts by runtime recovery of the instance serving a core (reset by a rollout to the core).',
      labelNames: ['group', 'pipeline', 'core'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const runner of manager().runners.values()) {
          const { group, pipeline } = runner.config;
          for (const instance of runner.status().instances) this.inc({ group, pipeline, core: String(instance.coreId) }, instance.restarts);
        }
      },
    });
  }

  /** `exporter:perf`'s totals per signal, per running instance. */
  private perfFamilies(): void {
    const ledger = this.ledger;
    for (const measure of ['items', 'messages', 'bytes'] as const) {
      new Counter({
        name: `otap_perf_exporter_${measure}_total`,
        help: `${measure[0]!.toUpperCase()}${measure.slice(1)} counted by exporter:perf nodes, by signal, per running instance.`,
        labelNames: [...INSTANCE_LABELS, 'node', 'signal'] as const,
        registers: [this.registry],
        collect() {
          this.reset();
          for (const instance of ledger.liveInstances()) {
            const labels = instanceLabels(instance.spec);
            for (const [node, counters] of Object.entries(instance.counters)) {
              if (!counters.throughput) continue;
              for (const signal of SIGNALS) this.inc({ ...labels, node, signal }, counters.throughput.bySignal[signal][measure]);
            }
          }
        },
      });
    }
  }

  private pipelineGauges(): void {
    const manager = this.manager;
    const perPipeline = (name: string, help: string, value: (s: ReturnType<PipelineRunnerOf['status']>) => number) =>
      new Gauge({
        name,
        help,
        labelNames: PIPELINE_LABELS,
        registers: [this.registry],
        collect() {
          this.reset();
          for (const runner of manager().runners.values()) {
            this.set({ group: runner.config.group, pipeline: runner.config.pipeline }, value(runner.status()));
          }
        },
      });
    perPipeline('otap_pipeline_running_cores', 'Cores of a pipeline whose instance is running.', (s) => s.runningCores);
    perPipeline('otap_pipeline_total_cores', 'Cores a pipeline is configured to run on.', (s) => s.totalCores);
    perPipeline('otap_pipeline_active_generation', 'Deployment generation a pipeline serves with.', (s) => s.activeGeneration);
    new Gauge({
      name: 'otap_pipeline_deployment_status',
      help: 'A pipeline\'s deployment status: 1 for the current status, one series per pipeline.',
      labelNames: [...PIPELINE_LABELS, 'status'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const runner of manager().runners.values()) {
          this.set({ group: runner.config.group, pipeline: runner.config.pipeline, status: runner.status().deploymentStatus }, 1);
        }
      },
    });
  }
}

type PipelineRunnerOf = RuntimeManager['runners'] extends Map<string, infer R> ? R : never;

function instanceLabels(spec: { group: string; pipeline: string; core: number; generation: number }) {
  return { group: spec.group, pipeline: spec.pipeline, core: String(spec.core), generation: String(spec.generation) };
}

function splitKey(key: string): [string, string] {
  const at = key.indexOf(':');
  return [key.slice(0, at), key.slice(at + 1)];
}
