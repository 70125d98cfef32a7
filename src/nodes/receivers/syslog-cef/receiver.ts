// receiver:syslog_cef: syslog (RFC 5424, RFC 3164) and CEF, bare or inside syslog, over TCP or UDP, as OTLP logs with
// upstream's attributes. TCP connections are handed over by the supervisor like any other; for UDP the supervisor
// binds one socket and gives every serving instance a descriptor of it (DESIGN.md §2, src/supervisor/datagram-listeners.ts).
import type { Socket as DatagramSocket } from 'node:dgram';
import type { Socket } from 'node:net';
import type { NodeContext, NodeInstance, Receiver } from '../../../pipeline/node.js';
import type { BatchSettings } from './batch.js';
import type { SyslogCefReceiverConfig } from './descriptor.js';
import { noSyslogStats, SyslogIntake, type SyslogReceiverStats } from './intake.js';
import { SyslogTcpConnection } from './tcp-connection.js';
import { SyslogUdpSource } from './udp-source.js';

type State = 'created' | 'started' | 'draining' | 'stopped';

export class SyslogCefReceiver implements Receiver {
  private state: State = 'created';
  private ctx: NodeContext | undefined;
  private intake: SyslogIntake | undefined;
  private readonly connections = new Set<SyslogTcpConnection>();
  private readonly sources = new Set<SyslogUdpSource>();
  private readonly settings: BatchSettings;
  private readonly listenerId: string;

  constructor(
    private readonly name: string,
    config: SyslogCefReceiverConfig,
  ) {
    this.settings = { maxSize: config.batch.max_size, maxDurationMs: config.batch.max_batch_duration_ms };
    this.listenerId = config.protocol.tcp ? `${name}/tcp` : `${name}/udp`;
  }

  async start(ctx: NodeContext): Promise<void> {
    if (this.state !== 'created') throw new Error(`receiver ${this.name}: start() in state ${this.state}`);
    this.ctx = ctx;
    this.intake = new SyslogIntake(ctx.logger);
    this.state = 'started';
  }

  accept(listenerId: string, socket: Socket): void {
    if (listenerId !== this.listenerId || !this.ctx || !this.intake || this.state === 'stopped' || this.state === 'created') {
      socket.destroy();
      throw new Error(`receiver ${this.name} (${this.state}) cannot take a connection for listener ${listenerId}`);
    }
    const connection = new SyslogTcpConnection(socket, this.ctx, this.intake, this.settings);
    this.connections.add(connection);
    void connection.done.then(() => this.connections.delete(connection));
    // A connection that raced the routing switch is drained like the others.
    if (this.state === 'draining') void connection.drain(Date.now() + 1000);
  }

  acceptDatagrams(listenerId: string, socket: DatagramSocket): void {
    if (listenerId !== this.listenerId || !this.ctx || !this.intake) {
      throw new Error(`receiver ${this.name} (${this.state}) has no datagram listener ${listenerId}`);
    }
    // Draining or stopped: this instance reads nothing more; the datagrams stay queued for the serving ones.
    if (this.state !== 'started') {
      socket.close();
      return;
    }
    this.sources.add(new SyslogUdpSource(socket, this.ctx, this.intake, this.settings));
  }

  async drain(deadline: number): Promise<void> {
    if (this.state === 'stopped' || this.state === 'draining') return;
    this.state = 'draining';
    await Promise.all([...[...this.connections].map((c) => c.drain(deadline)), ...[...this.sources].map((s) => s.drain(deadline))]);
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    for (const connection of this.connections) connection.destroy();
    for (const source of this.sources) source.stop();
    this.connections.clear();
    this.sources.clear();
  }

  /** Upstream's `receiver.syslog_cef` counters (all zero before start). */
  stats(): SyslogReceiverStats {
    return this.intake ? { ...this.intake.stats } : noSyslogStats();
  }
}

export function createSyslogCefReceiver(name: string, config: Record<string, unknown>): NodeInstance {
  return { kind: 'receiver', node: new SyslogCefReceiver(name, config as unknown as SyslogCefReceiverConfig) };
}
