// receiver:host_metrics: scrapes the host's procfs, sysfs and mounts on a schedule and emits OpenTelemetry system.*
// (and, on request, process.*) metrics. It has no listener. At start it checks the sources of the selected families
// (host_view.validation); each scrape reads the families due, and one request carries them. A scrape that outlives
// the shortest due interval is abandoned (its result dropped) and ticks are skipped while it is still running, so a
// hung mount never piles up work. A full pipeline drops the scrape (the next one brings fresh values), as upstream.
import type { Socket } from 'node:net';
import type { NodeContext, NodeInstance, Receiver } from '../../../pipeline/node.js';
import { Episode } from '../../../pipeline/episode.js';
import type { FamilyName, HostMetricsConfig } from './config.js';
import { CounterStarts } from './counters.js';
import { MetricsBuilder, type Attrs, type ScopeInfo } from './otlp-builder.js';
import { project } from './projection.js';
import { FamilySchedule } from './scheduler.js';
import { A, HOST_ARCH } from './semconv.js';
import { HostSource } from './source.js';
import { scopeVersion } from './version.js';

type State = 'created' | 'running' | 'draining' | 'stopped';

/** Counts with upstream's names (receiver.host_metrics.*). */
export interface HostMetricsStats {
  scrapes_started: number;
  scrapes_completed: number;
  scrapes_failed: number;
  scrapes_overrun: number;
  partial_errors: number;
  families_scraped: number;
  batches_sent: number;
  send_failures: number;
}

interface InFlight {
  done: Promise<void>;
  abandoned: boolean;
  /** Fires when the scrape has run out of time. */
  deadline?: NodeJS.Timeout;
}

export class HostMetricsReceiver implements Receiver {
  private state: State = 'created';
  private ctx: NodeContext | undefined;
  private source: HostSource | undefined;
  private schedule: FamilySchedule | undefined;
  private resource: Attrs = [];
  private scope: ScopeInfo = { name: 'otap-engine/host-metrics', version: '' };
  private readonly counters = new CounterStarts();
  private timer: NodeJS.Timeout | undefined;
  private inFlight: InFlight | undefined;
  private readonly counts: HostMetricsStats = {
    scrapes_started: 0,
    scrapes_completed: 0,
    scrapes_failed: 0,
    scrapes_overrun: 0,
    partial_errors: 0,
    families_scraped: 0,
    batches_sent: 0,
    send_failures: 0,
  };
  private episodes: { partial: Episode; failed: Episode; overrun: Episode } | undefined;

  constructor(private readonly config: HostMetricsConfig) {}

  async start(ctx: NodeContext): Promise<void> {
    if (this.state !== 'created') throw new Error(`host_metrics: start() in state ${this.state}`);
    this.ctx = ctx;
    const source = new HostSource(this.config);
    this.checkSources(source, ctx);
    this.source = source;
    this.episodes = {
      partial: new Episode(ctx.logger, 'host metrics: some sources could not be read; the other families are sent'),
      failed: new Episode(ctx.logger, 'host metrics: a scrape read nothing; it is retried at the next tick'),
      overrun: new Episode(ctx.logger, 'host metrics: a scrape outlived its interval; ticks are skipped until it returns'),
    };
    const { hostId, hostName } = source.identity();
    const arch = HOST_ARCH[process.arch];
    this.resource = [
      [A.osType, 'linux'],
      ...(hostId ? [[A.hostId, hostId] as const] : []),
      ...(hostName ? [[A.hostName, hostName] as const] : []),
      ...(arch ? [[A.hostArch, arch] as const] : []),
    ];
    this.scope = { name: 'otap-engine/host-metrics', version: scopeVersion() };
    this.schedule = new FamilySchedule(this.config, source.enabled, performance.now());
    this.state = 'running';
    if (this.schedule.empty) ctx.logger.warn('host metrics: no family is left to scrape; the receiver stays idle');
    else this.arm();
  }

  accept(listenerId: string, socket: Socket): void {
    socket.destroy();
    throw new Error(`host_metrics receiver has no listeners (was handed a connection for ${listenerId})`);
  }

  /** Stops scheduling; a scrape already running may still finish and be sent before `deadline`. */
  async drain(deadline: number = Number.POSITIVE_INFINITY): Promise<void> {
    if (this.state === 'running') this.state = 'draining';
    clearTimeout(this.timer);
    const running = this.inFlight;
    if (!running) return;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<void>((resolve) => {
      if (Number.isFinite(deadline)) timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
    });
    await Promise.race([running.done, expired]);
    clearTimeout(timer);
  }

  async stop(): Promise<void> {
    this.state = 'stopped';
    clearTimeout(this.timer);
    if (this.inFlight) {
      this.inFlight.abandoned = true;
      clearTimeout(this.inFlight.deadline);
    }
  }

  stats(): HostMetricsStats {
    return { ...this.counts };
  }

  /** host_view.validation: fail_selected refuses to start, warn_selected switches the family off, none skips this. */
  private checkSources(source: HostSource, ctx: NodeContext): void {
    const mode = this.config.host_view.validation;
    if (mode === 'none') return;
    const missing = source.unavailable();
    if (missing.length === 0) return;
    const text = missing.map((m) => `${m.family}: ${m.reason}`).join('; ');
    if (mode === 'fail_selected') {
      throw new Error(`host_metrics: selected families cannot read their sources (host_view.validation fail_selected): ${text}`);
    }
    const families = [...new Set(missing.map((m) => m.family))];
    for (const family of families) source.disable(family);
    ctx.logger.warn({ families, missing: text }, 'host metrics: families whose sources cannot be read are switched off (warn_selected)');
  }

  private arm(): void {
    if (this.state !== 'running' || !this.schedule) return;
    const delay = Math.max(0, this.schedule.nextDueMs() - performance.now());
    this.timer = setTimeout(() => this.tick(), delay);
  }

  private tick(): void {
    const schedule = this.schedule as FamilySchedule;
    const now = performance.now();
    const due = schedule.dueAt(now);
    // A timer may fire a fraction of a millisecond before the due time it was set for.
    if (due.size === 0) return this.arm();
    if (this.inFlight) {
      // An abandoned scrape has not returned yet: skip this tick rather than start a second one beside it.
      schedule.advance(now);
      this.counts.scrapes_overrun++;
      this.episodes?.overrun.hit(0, { families: [...due] });
      return this.arm();
    }
    const timeoutMs = schedule.timeoutMs(due);
    schedule.advance(now);
    this.counts.scrapes_started++;
    this.counts.families_scraped += due.size;
    const run: InFlight = { done: Promise.resolve(), abandoned: false };
    run.done = this.scrapeAndSend(due, run).finally(() => {
      if (this.inFlight === run) this.inFlight = undefined;
    });
    this.inFlight = run;
    const timedOut = new Promise<'timeout'>((resolve) => (run.deadline = setTimeout(() => resolve('timeout'), timeoutMs)));
    void Promise.race([run.done, timedOut]).then((outcome) => {
      clearTimeout(run.deadline);
      if (outcome === 'timeout') {
        run.abandoned = true;
        this.counts.scrapes_overrun++;
        this.counts.scrapes_failed++;
        this.episodes?.overrun.hit(0, { families: [...due], timeoutMs });
      } else {
        this.episodes?.overrun.end();
      }
      this.arm();
    });
  }

  private async scrapeAndSend(due: ReadonlySet<FamilyName>, run: InFlight): Promise<void> {
    const ctx = this.ctx as NodeContext;
    try {
      const outcome = await (this.source as HostSource).scrape(due);
      if (run.abandoned || this.state === 'stopped') return;
      const errors = outcome.errors;
      this.counts.partial_errors += outcome.kind === 'ok' ? errors.length : 0;
      const builder = new MetricsBuilder(outcome.kind === 'ok' ? outcome.snapshot.nowNs : 0n);
      if (outcome.kind === 'ok') project(outcome.snapshot, this.config, this.counters, builder);
      if (builder.points === 0 && errors.length === 0) {
        this.counts.scrapes_completed++; // every member filtered out: nothing to send, nothing wrong
        return;
      }
      if (builder.points === 0) {
        this.counts.scrapes_failed++;
        this.episodes?.failed.hit(0, { families: [...due], errors });
        return;
      }
      this.episodes?.failed.end();
      if (errors.length > 0) this.episodes?.partial.hit(0, { errors });
      else this.episodes?.partial.end();
      const pdata = builder.encode(this.resource, this.scope);
      // The runtime counts and logs a refusal; a later scrape carries newer values anyway.
      if (ctx.tryEmit(pdata)) this.counts.batches_sent++;
      else this.counts.send_failures++;
      this.counts.scrapes_completed++;
    } catch (error) {
      this.counts.scrapes_failed++;
      ctx.reportError(error as Error, false);
    }
  }
}

export function createHostMetricsReceiver(_name: string, config: Record<string, unknown>): NodeInstance {
  return { kind: 'receiver', node: new HostMetricsReceiver(config as unknown as HostMetricsConfig) };
}
