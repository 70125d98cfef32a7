// The engine's Prometheus metrics (`GET /api/v1/metrics`). Counters that live in instances are not pushed into
// prom-client as they happen: instances send cumulative counters over IPC, and each scrape reads them (collect) from
// the counter ledger and the runners. So a scrape costs one pass over the pipelines and nothing runs between scrapes.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { adminRequestHistogram, type AdminMetrics } from '../admin/metrics.js';
import type { ReconcileStatus, RolloutStatus, ShutdownStatus } from '../state/operations.js';
import { SIGNALS } from '../pipeline/pdata.js';
import type { DurableBufferStats, NodeCounters } from '../pipeline/counter-types.js';
import type { InstanceStatus, PipelineStatus } from '../state/status-types.js';
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
  private cached: { at: number; view: ScrapeView } | undefined;

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
    this.durableBufferFamilies();
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
    const name = snake(field);
    // Counted only by some nodes (receivers bound to an authorizer): no series of zeros for every other node.
    const optional = OPTIONAL_COUNTERS.has(field);
    this.counter(`otap_pipeline_node_${name}_total`, `${NODE_COUNTER_HELP[field]} Pipeline total over all its instances, past and present.`, [...PIPELINE_LABELS, 'node'], (add) => {
      for (const { group, pipeline, nodes } of this.view().totals) {
        for (const [node, totals] of nodes) if (!optional || totals[field] !== 0) add({ group, pipeline, node }, totals[field]);
      }
    });
    this.counter(`otap_instance_node_${name}_total`, `${NODE_COUNTER_HELP[field]} Per running instance, since it started.`, [...INSTANCE_LABELS, 'node'], (add) => {
      for (const { labels, counters } of this.view().instanceNodes) if (counters[field] !== undefined) add(labels, counters[field]);
    });
  }

  private instanceGauges(): void {
    this.gauge('otap_instance_node_queue_depth', "Messages waiting in a node's input channel, at the instance's latest heartbeat.", [...INSTANCE_LABELS, 'node'], (set) => {
      for (const { labels, counters } of this.view().instanceNodes) set(labels, counters.queueDepth);
    });
    const perInstance = (name: string, help: string, value: (i: InstanceStatus) => number) =>
      this.gauge(name, help, INSTANCE_LABELS, (set) => {
        for (const { group, pipeline, status } of this.view().pipelines) {
          for (const instance of status.instances) {
            if (instance.pid !== null) set({ group, pipeline, core: String(instance.coreId), generation: String(instance.deploymentGeneration) }, value(instance));
          }
        }
      });
    perInstance('otap_instance_cpu_percent', 'CPU use of an instance process, percent of one core (sampled every 2 s).', (i) => i.cpuPercent);
    perInstance('otap_instance_rss_bytes', 'Resident memory of an instance process (sampled every 2 s).', (i) => i.rssBytes);
    this.counter('otap_instance_restarts_total', 'Restarts by runtime recovery of the instance serving a core (reset by a rollout to the core).', ['group', 'pipeline', 'core'], (add) => {
      for (const { group, pipeline, status } of this.view().pipelines) {
        for (const instance of status.instances) add({ group, pipeline, core: String(instance.coreId) }, instance.restarts);
      }
    });
  }

  /** `exporter:perf`'s totals per signal, per running instance. */
  private perfFamilies(): void {
    for (const measure of ['items', 'messages', 'bytes'] as const) {
      const help = `${measure[0]!.toUpperCase()}${measure.slice(1)} counted by exporter:perf nodes, by signal, per running instance.`;
      this.counter(`otap_perf_exporter_${measure}_total`, help, [...INSTANCE_LABELS, 'node', 'signal'], (add) => {
        for (const { labels, counters } of this.view().instanceNodes) {
          if (counters.throughput) for (const signal of SIGNALS) add({ ...labels, signal }, counters.throughput.bySignal[signal][measure]);
        }
      });
    }
  }

  /** processor:durable_buffer's storage, per running instance: its levels as gauges, its counts as counters. */
  private durableBufferFamilies(): void {
    const family = (kind: 'gauge' | 'counter', name: string, help: string, value: (d: DurableBufferStats) => number) => {
      const fill = (put: (labels: Labels, value: number) => void) => {
        for (const { labels, counters } of this.view().instanceNodes) if (counters.durableBuffer) put(labels, value(counters.durableBuffer));
      };
      if (kind === 'gauge') this.gauge(`otap_durable_buffer_${name}`, help, [...INSTANCE_LABELS, 'node'], fill);
      else this.counter(`otap_durable_buffer_${name}_total`, help, [...INSTANCE_LABELS, 'node'], fill);
    };
    family('gauge', 'bytes_used', "Bytes of log segments a durable buffer holds on its core (its own, adopted, and its core's other generations').", (d) => d.bytesUsed);
    family('gauge', 'bytes_cap', "The core's share of retention_size_cap.", (d) => d.bytesCap);
    family('gauge', 'items_queued', 'Items stored and not delivered yet.', (d) => d.itemsQueued);
    family('gauge', 'oldest_age_seconds', 'Age of the oldest item not delivered yet (0 when none).', (d) => d.oldestAgeSeconds);
    family('gauge', 'in_flight', 'Records sent downstream and waiting for their outcome or a retry.', (d) => d.inFlight);
    family('counter', 'items_stored', 'Items written to the log.', (d) => d.itemsStored);
    family('counter', 'items_delivered', 'Items delivered downstream from the log.', (d) => d.itemsDelivered);
    family('counter', 'retries', 'Deliveries sent again after a failure downstream.', (d) => d.retries);
    family('counter', 'write_errors', 'Writes to the log that failed (a full disk, an I/O error).', (d) => d.writeErrors);
    family('counter', 'logs_adopted', 'Logs taken over from instances that are gone.', (d) => d.logsAdopted);
    family('counter', 'damaged_bytes', 'Bytes of damaged records passed over when recovering a log.', (d) => d.damagedBytes);
    this.counter('otap_durable_buffer_items_lost_total', 'Items a durable buffer dropped or refused, by reason: expired (max_age), drop_oldest, rejected (refused for good downstream), refused (upstream told to retry).', [...INSTANCE_LABELS, 'node', 'reason'], (add) => {
      for (const { labels, counters } of this.view().instanceNodes) {
        const d = counters.durableBuffer;
        if (!d) continue;
        add({ ...labels, reason: 'expired' }, d.itemsExpired);
        add({ ...labels, reason: 'drop_oldest' }, d.itemsDroppedOldest);
        add({ ...labels, reason: 'rejected' }, d.itemsRejected);
        add({ ...labels, reason: 'refused' }, d.itemsRefused);
      }
    });
  }

  private pipelineGauges(): void {
    const perPipeline = (name: string, help: string, value: (s: PipelineStatus) => number) =>
      this.gauge(name, help, PIPELINE_LABELS, (set) => {
        for (const { group, pipeline, status } of this.view().pipelines) set({ group, pipeline }, value(status));
      });
    perPipeline('otap_pipeline_running_cores', 'Cores of a pipeline whose instance is running.', (s) => s.runningCores);
    perPipeline('otap_pipeline_total_cores', 'Cores a pipeline is configured to run on.', (s) => s.totalCores);
    perPipeline('otap_pipeline_active_generation', 'Deployment generation a pipeline serves with.', (s) => s.activeGeneration);
    this.gauge('otap_pipeline_deployment_status', "A pipeline's deployment status: 1 for the current status, one series per pipeline.", [...PIPELINE_LABELS, 'status'], (set) => {
      for (const { group, pipeline, status } of this.view().pipelines) set({ group, pipeline, status: status.deploymentStatus }, 1);
    });
  }

  /** A counter whose values are read at scrape time: `fill` adds every series afresh. */
  private counter(name: string, help: string, labelNames: readonly string[], fill: (add: (labels: Labels, value: number) => void) => void): void {
    new Counter({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect() {
        this.reset();
        fill((labels, value) => this.inc(labels, value));
      },
    });
  }

  /** A gauge whose values are read at scrape time: `fill` sets every series afresh. */
  private gauge(name: string, help: string, labelNames: readonly string[], fill: (set: (labels: Labels, value: number) => void) => void): void {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect() {
        this.reset();
        fill((labels, value) => this.set(labels, value));
      },
    });
  }

  /**
   * What one scrape reads, computed once for all its families: prom-client calls every family's collect() in the same
   * turn, and a pipeline's status and the ledger's totals are not free.
   */
  private view(): ScrapeView {
    const now = Date.now();
    if (this.cached && now - this.cached.at < VIEW_REUSE_MS) return this.cached.view;
    const pipelines = [...this.manager().runners.values()].map((runner) => ({ group: runner.config.group, pipeline: runner.config.pipeline, status: runner.status() }));
    const instanceNodes: ScrapeView['instanceNodes'] = [];
    for (const instance of this.ledger.liveInstances()) {
      const labels = instanceLabels(instance.spec);
      for (const [node, counters] of Object.entries(instance.counters)) instanceNodes.push({ labels: { ...labels, node }, counters });
    }
    const view = { pipelines, totals: this.ledger.totals(), instanceNodes };
    this.cached = { at: now, view };
    return view;
  }
}

type Labels = Record<string, string>;

interface ScrapeView {
  pipelines: Array<{ group: string; pipeline: string; status: PipelineStatus }>;
  totals: ReturnType<CounterLedger['totals']>;
  instanceNodes: Array<{ labels: Labels; counters: NodeCounters }>;
}

/** Longer than one scrape takes, far shorter than any scrape interval. */
const VIEW_REUSE_MS = 200;

function instanceLabels(spec: { group: string; pipeline: string; core: number; generation: number }) {
  return { group: spec.group, pipeline: spec.pipeline, core: String(spec.core), generation: String(spec.generation) };
}
