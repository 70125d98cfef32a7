// Entry of an instance process: hosts one pipeline on one core for one generation. It does nothing until the
// supervisor sends `start`, and it exits when its IPC channel closes, so no instance outlives its supervisor.
import dgram from 'node:dgram';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { dispatch, type HandlerMap, type InstanceMessage, type InstanceSpec, type SupervisorMessage } from '../ipc/messages.js';
import { PipelineRuntime } from '../pipeline/runtime.js';
import { resolveBuiltinFactory } from '../nodes/implementations.js';
import { createLogger } from '../util/logger.js';
import { startHeartbeat } from './heartbeat.js';
import { instanceLogRoute, type LogRoute } from './log-route.js';
import { telemetryFeed } from '../nodes/receivers/internal-telemetry/feed.js';

/** How long an orphaned instance may try to hand over what it holds before it exits. */
const ORPHAN_DRAIN_MS = 1000;

let runtime: PipelineRuntime | null = null;
let logger: Logger | null = null;
let stopHeartbeat: (() => void) | null = null;
let draining: Promise<void> | null = null;
let logRoute: LogRoute | null = null;

function send(message: InstanceMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected || !process.send) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

async function start(spec: InstanceSpec): Promise<void> {
  logRoute = instanceLogRoute(spec.telemetry, send);
  telemetryFeed.configure(spec.telemetry?.observability);
  // Beside OTAP_ENGINE_CORE (set at spawn): nodes that name things per deployment (exporter:file's {generation}) read it.
  process.env.OTAP_ENGINE_GENERATION = String(spec.generation);
  // The cores the pipeline runs on: a durable buffer shares its disk cap among them.
  process.env.OTAP_ENGINE_CORE_COUNT = String(spec.config.cores.length);
  logger = createLogger({
    level: logRoute.level ?? spec.logLevel,
    format: spec.logFormat,
    bindings: { group: spec.group, pipeline: spec.pipeline, core: spec.core, generation: spec.generation },
    ...(logRoute.destination ? { destination: logRoute.destination } : {}),
  });
  try {
    runtime = await PipelineRuntime.build(spec.config, {
      logger,
      resolveFactory: resolveBuiltinFactory,
      onNodeStarting: (node) => void send({ type: 'node_starting', node }),
    });
    runtime.onError((node, error, fatal) => void send({ type: 'error', node, message: error.message, fatal }));
    await runtime.start();
  } catch (error) {
    const message = (error as Error).message;
    logger.error({ err: error }, 'instance failed to start');
    await send({ type: 'error', message, fatal: true, ...nodeOf(error) });
    await logRoute?.flush();
    process.exit(1);
  }
  stopHeartbeat = startHeartbeat(spec.heartbeatIntervalMs, () => runtime?.counters() ?? {}, (m) => void send(m));
  await send({ type: 'ready' });
  logger.info('instance ready');
}

function drain(deadlineMs: number): Promise<void> {
  draining ??= (async () => {
    await send({ type: 'drain_started' });
    const result = runtime ? await runtime.drain(deadlineMs) : { forcedNodes: [] };
    stopHeartbeat?.();
    logger?.info({ forcedNodes: result.forcedNodes }, 'instance drained');
    // Its last lines leave before `drained`: the supervisor hands them on before it stops the observability pipeline.
    await logRoute?.flush();
    await send({ type: 'drained', forcedNodes: result.forcedNodes, nodes: runtime?.counters() ?? {} });
    process.exit(0);
  })();
  return draining;
}

const handlers: HandlerMap<SupervisorMessage, [Socket | undefined]> = {
  start: (msg) => void start(msg.spec),
  drain: (msg) => void drain(msg.deadlineMs),
  telemetry: (msg) => telemetryFeed.deliver(msg.batch),
  connection: (msg, socket) => {
    if (!socket) return;
    if (!runtime || draining) {
      socket.destroy();
      return;
    }
    runtime.accept(msg.listenerId, socket);
  },
  datagram_socket: (msg, handle) => {
    if (!handle) return;
    // The handle is the supervisor's bound UDP socket (a descriptor of it); binding a dgram.Socket to it starts reading.
    const socket = dgram.createSocket(msg.family);
    socket.bind(handle as unknown as number);
    if (!runtime || draining) {
      socket.close();
      return;
    }
    runtime.acceptDatagrams(msg.listenerId, socket);
  },
};

/** Exits once the lines logged so far have left, or failed to (a console without a reader: src/util/async-console.ts). */
function exitAfterLogs(code: number): void {
  void (logRoute?.flush() ?? Promise.resolve()).finally(() => process.exit(code));
}

/** A start failure that names its node carries it as `node` (see PipelineRuntime). */
function nodeOf(error: unknown): { node?: string } {
  const node = (error as { node?: unknown }).node;
  return typeof node === 'string' ? { node } : {};
}

process.on('message', (raw: unknown, handle: unknown) => {
  dispatch(handlers, raw, handle as Socket | undefined);
});
process.on('disconnect', () => {
  void drain(Date.now() + ORPHAN_DRAIN_MS);
  setTimeout(() => exitAfterLogs(0), ORPHAN_DRAIN_MS + 200).unref();
});
process.on('uncaughtException', (error) => {
  logger?.fatal({ err: error }, 'uncaught exception in instance');
  void send({ type: 'error', message: error.message, fatal: true }).finally(() => exitAfterLogs(1));
});
process.on('unhandledRejection', (reason) => {
  logger?.error({ err: reason }, 'unhandled rejection in instance');
});
// The supervisor decides when an instance stops: terminal signals sent to the whole process group are ignored here.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);
process.on('SIGHUP', () => undefined);

if (!process.send) {
  console.error('otap-engine instance: must be started by the supervisor (no IPC channel)');
  process.exit(2);
}
void send({ type: 'admitted', pid: process.pid });
