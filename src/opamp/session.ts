// The agent's side of the OpAMP conversation, apart from how bytes travel: the instance uid and sequence numbers, what
// each AgentToServer carries, and what a ServerToAgent asks for. Reports are level-triggered: every message carries
// the health and the remote config status as they are now, so nothing queues while the server is away, and the
// first message of each connection carries the full state.
import type { Logger } from 'pino';
import { canonicalJson } from '../config/hash.js';
import { agentDescription } from './description.js';
import { engineHealth } from './health.js';
import { formatUuid, sameBytes } from './instance-uid.js';
import {
  AgentCapabilities,
  AgentConfigFileSchema,
  AgentConfigMapSchema,
  AgentDisconnectSchema,
  AgentToServerSchema,
  create,
  CustomCapabilitiesSchema,
  CustomMessageSchema,
  EffectiveConfigSchema,
  ServerErrorResponseType,
  ServerToAgentFlags,
  type AgentToServer,
  type ServerToAgent,
} from './proto.js';
import { RemoteConfigApplier, type OpampControlPlane } from './remote-config.js';
import { toWire } from './remote-config-status.js';
import type { OpampSettings } from './settings.js';
import type { AgentMemory } from './memory.js';

const CAPABILITIES =
  AgentCapabilities.AgentCapabilities_ReportsStatus |
  AgentCapabilities.AgentCapabilities_AcceptsRemoteConfig |
  AgentCapabilities.AgentCapabilities_ReportsEffectiveConfig |
  AgentCapabilities.AgentCapabilities_ReportsHealth |
  AgentCapabilities.AgentCapabilities_ReportsRemoteConfig |
  AgentCapabilities.AgentCapabilities_ReportsHeartbeat;

/** Upstream's custom capability: the full pipeline status (the admin API's GET /status pipelines) as JSON. */
export const PIPELINE_STATUS_CAPABILITY = 'io.opentelemetry.otap-dfe.pipeline-status/v1';
/** The effective config's key in the config map, as upstream's agent reports it. */
export const EFFECTIVE_CONFIG_KEY = 'state';

export type Handled =
  | { kind: 'ignored'; reason: string }
  /** The server is overloaded: disconnect and come back after `retryAfterMs`, or after the request backoff. */
  | { kind: 'unavailable'; retryAfterMs?: number }
  /** `replyNow`: the server asked for something (full state, a new uid) that should not wait for the heartbeat. */
  | { kind: 'handled'; replyNow: boolean };

export interface AgentSessionOptions {
  settings: OpampSettings;
  controlPlane: OpampControlPlane;
  logger: Logger;
  /** Something changed that the server should hear now (a remote config status). */
  onChange: () => void;
  /** With a state dir: what the agent keeps across a restart. */
  memory?: AgentMemory;
}

export class AgentSession {
  private uid: Uint8Array;
  private sequenceNum = 0n;
  private fullStateDue = true;
  private effectiveConfigSent: string | null = null;
  private readonly startTimeUnixNano = nowUnixNano();
  readonly remoteConfig: RemoteConfigApplier;

  constructor(private readonly options: AgentSessionOptions) {
    this.uid = options.settings.instanceUid;
    this.remoteConfig = new RemoteConfigApplier({
      controlPlane: options.controlPlane,
      remoteConfigKey: options.settings.remoteConfigKey,
      deleteMissing: options.settings.reconcile.delete_missing,
      timeouts: {
        stepTimeoutSecs: options.settings.reconcile.step_timeout_secs,
        drainTimeoutSecs: options.settings.reconcile.drain_timeout_secs,
        deleteTimeoutSecs: options.settings.reconcile.delete_timeout_secs,
      },
      busyRetry: options.settings.requestRetry,
      logger: options.logger,
      onChange: options.onChange,
      ...(options.memory ? { memory: options.memory } : {}),
    });
  }

  get instanceUid(): string {
    return formatUuid(this.uid);
  }

  /** A new connection (or a new exchange after a failed one): its first message reports everything. */
  beginSession(): void {
    this.fullStateDue = true;
  }

  /** The next AgentToServer. `disconnect`: the last one before the agent goes away. */
  compose(options: { disconnect?: boolean } = {}): AgentToServer {
    const { controlPlane, settings } = this.options;
    const status = controlPlane.status();
    const now = nowUnixNano();
    const effectiveConfig = controlPlane.committedConfig();
    const effectiveKey = canonicalJson(effectiveConfig);
    const full = this.fullStateDue;
    const message = create(AgentToServerSchema, {
      instanceUid: this.uid,
      sequenceNum: this.sequenceNum,
      capabilities: BigInt(CAPABILITIES),
      health: engineHealth(status, this.startTimeUnixNano, now),
      remoteConfigStatus: toWire(this.remoteConfig.status),
      customMessage: create(CustomMessageSchema, {
        capability: PIPELINE_STATUS_CAPABILITY,
        type: 'report',
        data: new TextEncoder().encode(JSON.stringify(status.pipelines)),
      }),
    });
    if (full) {
      message.agentDescription = agentDescription(this.instanceUid, {
        identifying: settings.identifyingAttributes,
        nonIdentifying: settings.nonIdentifyingAttributes,
      });
      message.customCapabilities = create(CustomCapabilitiesSchema, { capabilities: [PIPELINE_STATUS_CAPABILITY] });
    }
    if (full || effectiveKey !== this.effectiveConfigSent) {
      message.effectiveConfig = create(EffectiveConfigSchema, {
        configMap: create(AgentConfigMapSchema, {
          configMap: { [EFFECTIVE_CONFIG_KEY]: create(AgentConfigFileSchema, { contentType: 'application/json', body: new TextEncoder().encode(JSON.stringify(effectiveConfig, null, 2)) }) },
        }),
      });
      this.effectiveConfigSent = effectiveKey;
    }
    if (options.disconnect) message.agentDisconnect = create(AgentDisconnectSchema, {});
    this.fullStateDue = false;
    this.sequenceNum += 1n;
    return message;
  }

  handle(message: ServerToAgent): Handled {
    const { logger } = this.options;
    // An empty uid is accepted: servers that push over a connection of this one agent may leave it unset.
    if (message.instanceUid.length > 0 && !sameBytes(message.instanceUid, this.uid)) {
      return { kind: 'ignored', reason: `addressed to instance ${formatUuid(message.instanceUid)}` };
    }
    if (message.errorResponse) {
      const error = message.errorResponse;
      if (error.type === ServerErrorResponseType.ServerErrorResponseType_Unavailable) {
        const nanos = error.Details.case === 'retryInfo' ? error.Details.value.retryAfterNanoseconds : 0n;
        return nanos > 0n ? { kind: 'unavailable', retryAfterMs: Number(nanos / 1_000_000n) } : { kind: 'unavailable' };
      }
      return { kind: 'ignored', reason: `server error response (${ServerErrorResponseType[error.type] ?? error.type}): ${error.errorMessage}` };
    }
    if (message.command) return { kind: 'ignored', reason: `command ${message.command.type} (this agent accepts no commands)` };
    let replyNow = false;
    const newUid = message.agentIdentification?.newInstanceUid;
    if (newUid !== undefined && newUid.length > 0) {
      if (newUid.length === 16) {
        logger.info({ previous: this.instanceUid, instanceUid: formatUuid(newUid) }, 'opamp: the server gave this agent a new instance uid');
        this.uid = Uint8Array.from(newUid);
        this.options.memory?.remember({ instanceUid: formatUuid(this.uid) });
        this.fullStateDue = true;
        replyNow = true;
      } else {
        logger.warn({ length: newUid.length }, 'opamp: ignored a new instance uid that is not 16 bytes');
      }
    }
    if ((message.flags & BigInt(ServerToAgentFlags.ServerToAgentFlags_ReportFullState)) !== 0n) {
      this.fullStateDue = true;
      replyNow = true;
    }
    if (message.remoteConfig) this.remoteConfig.offer(message.remoteConfig);
    return { kind: 'handled', replyNow };
  }

  /** Applies no remote config from now on. */
  stop(): void {
    this.remoteConfig.stop();
  }
}

function nowUnixNano(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}
