// One instance: a child process hosting one pipeline on one core for one deployment generation, pinned to its core at
// exec time (`taskset -c N node …`: every thread of it, and the IPC channel keeps working). The phase is driven only by
// what the child says and by its exit; whether an exit was intended is recorded, so a crash is never mistaken for a stop.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Socket } from 'node:net';
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { dispatch, type HandlerMap, type InstanceMessage, type InstanceSpec, type SupervisorMessage } from '../ipc/messages.js';
import type { NodeCounters } from '../pipeline/counter-types.js';
import { INSTANCE_PHASES, isTerminal, type InstanceEvent, type InstancePhase } from '../state/phase.js';
import { logIllegalMoves, StateMachine } from '../state/machine.js';
import type { CoreEvent } from '../state/status-types.js';
import { isoNow, sleep } from '../util/time.js';
import type { ConnectionTarget } from './listener-table.js';
import type { DatagramFamily, UdpHandle } from './datagram-listeners.js';
import { ADMIN_TOKEN_ENV } from '../config/types.js';
import type { TelemetryBatch } from '../ipc/telemetry.js';

/** What an instance process runs: the engine's instance entry, or (in the supervisor's own tests) a stand-in for it. */
export interface InstanceProgram {
  /** A JavaScript file node runs, pinned to the instance's core. */
  entry: string;
  /** Added to the environment the child inherits. */
  env?: Record<string, string>;
  /** Options for node and V8, given before the entry. */
  nodeOptions?: readonly string[];
}

/**
 * An instance has one core, with every thread of it pinned there: V8's helper threads cannot run beside the main
 * thread, they take turns with it. Collecting garbage on the main thread alone does the same work without the hand-offs
 * and the contention (the throughput bench's figures: docs/benchmarks-throughput.md, "Durable buffer").
 *
 * A young generation of 1 MiB a semi-space (Node's default grows to 16): an instance allocates few objects but large
 * payloads outside V8's heap, so with the default its scavenges came so seldom that most payload buffers were
 * promoted and waited for a full collection, which V8 starts only after tens of MiB of them. With scavenges every
 * megabyte of objects, a payload dropped by its pipeline is freed within milliseconds: under the gRPC and rename
 * benches' loads an instance holds 30–70 MiB less, for no CPU per record that the benches can tell
 * (docs/benchmarks.md, "Memory under load").
 */
export const INSTANCE_NODE_OPTIONS: readonly string[] = ['--single-threaded-gc', '--max-semi-space-size=1'];

export const INSTANCE_PROGRAM: InstanceProgram = {
  entry: fileURLToPath(new URL('../instance/main.js', import.meta.url)),
  nodeOptions: INSTANCE_NODE_OPTIONS,
};

/**
 * Node's own spawn rather than execa: the supervisor needs nothing of execa's here (no output to collect, no promise
 * of the result), and loading execa was a tenth of the supervisor's start (~120 ms of the 790 ms to `admin listening`).
 */
function spawnPinned(core: number, program: InstanceProgram) {
  // Only the supervisor talks to systemd; a MAINPID from an instance would make systemd track the wrong process.
  // OTAP_ENGINE_CORE tells node code which core it serves (fault injection aims at one core with it).
  // The admin token is the supervisor's alone: instances run pipeline code and need no way to manage the engine.
  const env: NodeJS.ProcessEnv = { ...process.env, ...program.env, OTAP_ENGINE_CORE: String(core) };
  delete env['NOTIFY_SOCKET'];
  delete env[ADMIN_TOKEN_ENV];
  // An instance exits when its IPC channel closes (instance/main.ts), so a supervisor that dies leaves none behind.
  return spawn('taskset', ['-c', String(core), process.execPath, ...(program.nodeOptions ?? []), program.entry], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'json',
    env,
  });
}
/** Events kept per core for status; the ring is owned by the pipeline so that it survives restarts. */
export const RECENT_EVENTS = 16;

export type ExitInfo = { code: number | null; signal: string | null; intended: boolean; forced: boolean };

export interface InstanceProcessEvents {
  phase: [InstancePhase];
  exit: [ExitInfo];
}

export class InstanceProcess extends EventEmitter<InstanceProcessEvents> implements ConnectionTarget {
  readonly key: string;
  pid: number | null = null;
  lastHeartbeatTime: string | null = null;
  counters: Record<string, NodeCounters> = {};
  lastError: { node?: string; message: string } | null = null;
  /** The phase it was in when it failed: a failure while starting is an admission error, one while running is not. */
  failedFrom: InstancePhase | null = null;
  /** The node the child was starting when it last said so; cleared once it is ready. */
  private startingNode: string | null = null;
  private exitInfo: ExitInfo | null = null;
  private child: ReturnType<typeof spawnPinned> | null = null;
  private intendedExit = false;
  private forcedExit = false;
  private readonly exited: Promise<ExitInfo>;
  private resolveExited!: (info: ExitInfo) => void;

  private readonly logger: Logger;
  private readonly phases: StateMachine<InstancePhase, InstanceEvent>;

  constructor(
    readonly spec: InstanceSpec,
    logger: Logger,
    private readonly recentEvents: CoreEvent[],
    /** Takes the log lines the child sends for the observability pipeline (engine.telemetry providers `its`). */
    private readonly onLogs?: (lines: string[], dropped: number) => void,
    private readonly program: InstanceProgram = INSTANCE_PROGRAM,
  ) {
    super();
    // Every supervisor line about an instance says which core and generation it is (group and pipeline come bound).
    this.logger = logger.child({ core: spec.core, generation: spec.generation });
    this.key = `${spec.group}:${spec.pipeline}/core-${spec.core}/gen-${spec.generation}`;
    this.phases = new StateMachine('instance phase', this.key, INSTANCE_PHASES, 'pending', logIllegalMoves(this.logger));
    this.exited = new Promise((resolve) => (this.resolveExited = resolve));
  }

  get phase(): InstancePhase {
    return this.phases.state;
  }

  get core(): number {
    return this.spec.core;
  }

  get generation(): number {
    return this.spec.generation;
  }

  /** Spawns the child and resolves once it is ready; rejects with the reason when it is not within `startupTimeoutMs`. */
  async start(startupTimeoutMs: number): Promise<void> {
    const child = spawnPinned(this.spec.core, this.program);
    this.child = child;
    this.pid = child.pid ?? null;
    this.apply('spawned');
    child.on('message', (raw: unknown) => {
      if (!dispatch(this.handlers, raw)) this.logger.warn({ instance: this.key }, 'unknown message from instance');
    });
    child.on('exit', (code, signal) => this.onExit(code, signal));
    child.on('error', (error) => this.logger.error({ err: error, instance: this.key }, 'instance process error'));
    this.send({ type: 'start', spec: this.spec });
    await this.waitReady(startupTimeoutMs);
  }

  /** The health gate's last part: still running `ms` after ready. An exit ends the wait at once, with the reason. */
  async stayUp(ms: number): Promise<void> {
    const exit = await Promise.race([sleep(ms).then(() => null), this.exited]);
    if (exit || this.phase !== 'running') {
      throw new Error(this.failureReason(`exited with code ${exit?.code ?? '-'} signal ${exit?.signal ?? '-'} within ${ms} ms of becoming ready`));
    }
  }

  serves(listenerId: string, address: string): boolean {
    return this.spec.listeners.some((l) => l.id === listenerId && l.address === address);
  }

  handOver(listenerId: string, socket: Socket): boolean {
    const child = this.child;
    if (!child || !child.connected || this.phase !== 'running') return false;
    try {
      child.send({ type: 'connection', listenerId } satisfies SupervisorMessage, socket);
      return true;
    } catch {
      return false;
    }
  }

  /** Sends the child its descriptor of a shared UDP socket; it reads from it until it drains. */
  shareDatagrams(listenerId: string, handle: UdpHandle, family: DatagramFamily): boolean {
    const child = this.child;
    if (!child || !child.connected || this.phase !== 'running') return false;
    try {
      // A raw libuv UDP handle travels like a dgram.Socket (Node's 'dgram.Native' handle type).
      child.send({ type: 'datagram_socket', listenerId, family } satisfies SupervisorMessage, handle as unknown as Socket);
      return true;
    } catch {
      return false;
    }
  }

  /** Hands the child a batch of the engine's telemetry; resolves false when it could not take it (not running). */
  sendTelemetry(batch: TelemetryBatch): Promise<boolean> {
    const child = this.child;
    if (!child?.connected || this.phase !== 'running') return Promise.resolve(false);
    return new Promise((resolve) => {
      try {
        child.send({ type: 'telemetry', batch } satisfies SupervisorMessage, undefined, {}, (error) => resolve(!error));
      } catch {
        resolve(false);
      }
    });
  }

  /** Asks the child to drain and waits for its exit until `deadlineMs` (epoch ms); past it the child is killed. */
  async drain(deadlineMs: number): Promise<ExitInfo> {
    if (isTerminal(this.phase) || !this.child) return this.exited;
    this.intendedExit = true;
    this.apply('drain_requested');
    this.send({ type: 'drain', deadlineMs });
    const timer = setTimeout(() => this.kill(), Math.max(0, deadlineMs - Date.now()));
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Immediate stop; recorded as forced. Idempotent. */
  kill(): void {
    if (!this.child || isTerminal(this.phase)) return;
    this.intendedExit = true;
    this.forcedExit = true;
    this.child.kill('SIGKILL');
  }

  whenExited(): Promise<ExitInfo> {
    return this.exited;
  }

  private readonly handlers: HandlerMap<InstanceMessage> = {
    admitted: () => this.apply('admitted'),
    node_starting: (msg) => {
      this.startingNode = msg.node;
    },
    ready: () => {
      this.startingNode = null;
      this.apply('ready');
    },
    heartbeat: (msg) => {
      this.lastHeartbeatTime = isoNow();
      this.counters = msg.nodes;
    },
    drain_started: () => this.apply('drain_started'),
    drained: (msg) => {
      // The final counts: whatever happened since the last heartbeat still reaches the pipeline totals.
      this.counters = msg.nodes;
      this.apply('drained');
      if (msg.forcedNodes.length > 0) this.record('drain_incomplete', `nodes not drained in time: ${msg.forcedNodes.join(', ')}`);
    },
    logs: (msg) => this.onLogs?.(msg.lines, msg.dropped),
    error: (msg) => {
      this.lastError = { ...(msg.node !== undefined ? { node: msg.node } : {}), message: msg.message };
      this.record('error', describeNodeError(msg.node, msg.message));
      this.logger.error({ instance: this.key, node: msg.node, fatal: msg.fatal }, msg.message);
    },
  };

  private waitReady(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        this.off('phase', onPhase);
      };
      const onPhase = (phase: InstancePhase) => {
        if (phase === 'running') {
          cleanup();
          resolve();
        } else if (phase !== 'starting') {
          cleanup();
          const exit = this.exitInfo;
          reject(new Error(this.failureReason(`exited with code ${exit?.code ?? '-'} signal ${exit?.signal ?? '-'} before it became ready`)));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        this.record('startup_timeout', `not ready within ${timeoutMs} ms`);
        // Not an intended stop: recovery must treat a child that never became ready like a crash.
        this.forcedExit = true;
        this.child?.kill('SIGKILL');
        reject(new Error(this.failureReason(`not ready within ${timeoutMs} ms`)));
      }, timeoutMs);
      this.on('phase', onPhase);
    });
  }

  /** The last error the child reported (naming its node), or `fallback`. */
  failureReason(fallback: string): string {
    if (!this.lastError) return this.startingNode ? `node "${this.startingNode}" did not finish starting (${fallback})` : fallback;
    return describeNodeError(this.lastError.node, this.lastError.message);
  }

  private onExit(code: number | null, signal: string | null): void {
    const info: ExitInfo = { code, signal, intended: this.intendedExit, forced: this.forcedExit };
    this.exitInfo = info;
    this.apply(this.intendedExit ? 'exited_clean' : 'exited_unexpectedly');
    this.record('exited', `code ${code ?? '-'} signal ${signal ?? '-'}${this.forcedExit ? ' (forced)' : ''}`);
    this.child = null;
    this.resolveExited(info);
    this.emit('exit', info);
  }

  private send(message: SupervisorMessage): void {
    if (this.child?.connected) this.child.send(message);
  }

  private apply(event: InstanceEvent): void {
    const moved = this.phases.apply(event);
    if (moved.kind === 'refused') return;
    if (moved.to === 'failed' && moved.from !== 'failed') this.failedFrom = moved.from;
    if (event !== 'admitted') this.record(event);
    if (moved.to !== moved.from) this.emit('phase', moved.to);
  }

  private record(event: string, message?: string): void {
    this.recentEvents.push({ time: isoNow(), generation: this.spec.generation, event, ...(message ? { message } : {}) });
    if (this.recentEvents.length > RECENT_EVENTS) this.recentEvents.shift();
  }
}

/** `node "x": message`, unless the message names its node already (`node "out" (urn…) failed to start: …`). */
function describeNodeError(node: string | undefined, message: string): string {
  return node && !message.startsWith(`node "${node}"`) ? `node "${node}": ${message}` : message;
}
