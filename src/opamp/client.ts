// One OpAMP agent: the session (what it reports and what it accepts) run over the transport its endpoint's scheme
// names. It is a front end of the control plane like the admin API: it reads status and config and applies remote
// configs through the reconcile command (src/state/commands.ts), and knows nothing else of the supervisor.
//
// Why not @elastic/opamp-client-node's client for plain HTTP: it refuses the ReportsEffectiveConfig and ReportsHealth
// capabilities and has no way to send health or an effective config, it paces retries on its own fixed 30 s to 5 min
// curve rather than connect_retry/request_retry, and it has no WebSocket transport, so the two transports would not
// share one session. Its generated protobuf messages (the spec's opamp.proto) are what both of ours speak.
import type { Logger } from 'pino';
import { ChangeSignal } from './changes.js';
import { ConnectionTracker } from './connection.js';
import type { OpampControlPlane } from './remote-config.js';
import { AgentSession } from './session.js';
import type { AgentMemory } from './memory.js';
import type { OpampSettings } from './settings.js';
import { runHttpTransport } from './transport-http.js';
import { runWebSocketTransport } from './transport-websocket.js';
import type { TransportContext } from './transport.js';

/** Past shutdown_timeout the transport has cut its connection; this is only slack for the sockets to close. */
const STOP_SLACK_MS = 500;

export class OpampClient {
  private readonly stopper = new AbortController();
  private readonly session: AgentSession;
  private readonly changes = new ChangeSignal();
  private readonly connection: ConnectionTracker;
  private running: Promise<void> | null = null;

  constructor(
    private readonly settings: OpampSettings,
    controlPlane: OpampControlPlane,
    private readonly logger: Logger,
    memory?: AgentMemory,
  ) {
    this.connection = new ConnectionTracker(logger, settings.endpointForLogs);
    this.session = new AgentSession({ settings, controlPlane, logger, onChange: () => this.changes.notify(), ...(memory ? { memory } : {}) });
  }

  get instanceUid(): string {
    return this.session.instanceUid;
  }

  start(): void {
    if (this.running) return;
    const { settings } = this;
    this.logger.info(
      {
        endpoint: settings.endpointForLogs,
        transport: settings.transport,
        instanceUid: this.session.instanceUid,
        instanceUidFrom: settings.instanceUidConfigured ? 'config' : settings.instanceUidRestored ? 'state' : 'generated',
        heartbeatMs: settings.heartbeatMs,
        authentication: settings.token ? 'bearer' : 'none',
        tls: settings.tls === undefined ? 'default' : settings.tls.cert ? 'mutual' : 'custom-ca',
      },
      'opamp: agent starting',
    );
    const context: TransportContext = {
      settings,
      session: this.session,
      connection: this.connection,
      changes: this.changes,
      logger: this.logger,
      signal: this.stopper.signal,
    };
    const transport = settings.transport === 'websocket' ? runWebSocketTransport : runHttpTransport;
    this.running = transport(context).catch((error: unknown) => this.logger.error({ err: error }, 'opamp: the agent stopped unexpectedly (a bug)'));
  }

  /** Stops applying remote configs, says goodbye to the server within shutdown_timeout, and closes. Idempotent. */
  async stop(): Promise<void> {
    this.session.stop();
    this.stopper.abort();
    if (this.running) {
      await Promise.race([this.running, new Promise((resolve) => setTimeout(resolve, this.settings.shutdownMs + STOP_SLACK_MS).unref())]);
    }
    if (this.connection.state !== 'stopped') this.connection.stopped();
    this.logger.info('opamp: agent stopped');
  }
}
