// An OpAMP server written for the tests from the spec's protobuf messages (the generated opamp.proto that
// @elastic/opamp-client-node ships): plain HTTP (POST an AgentToServer, answer a ServerToAgent) and WebSocket (varint
// header 0, then the message) on one port, optionally over TLS with client certificates, optionally behind a bearer
// token. It remembers every message, answers each one, and offers a remote config the way servers do: in every answer
// until the agent reports that config's hash, and pushed at once over WebSocket.
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import {
  AgentConfigFileSchema,
  AgentConfigMapSchema,
  AgentRemoteConfigSchema,
  AgentToServerSchema,
  ServerCapabilities,
  ServerToAgentSchema,
  type AgentRemoteConfig,
  type AgentToServer,
} from '@elastic/opamp-client-node/lib/generated/opamp_pb.js';
import type { CertFiles } from './tls-certs.js';

export const OPAMP_PATH = '/v1/opamp';

export interface OpampServerOptions {
  /** Requests (and upgrades) without `Authorization: Bearer <token>` are answered 401. */
  token?: string;
  /** Serve https:// and wss:// with these certificates, and require a client certificate from the same CA. */
  tls?: CertFiles;
}

export interface Received {
  transport: 'http' | 'ws';
  message: AgentToServer;
  /** The raw bytes as they came, to check that no secret travels. */
  raw: Buffer;
  at: number;
}

export class OpampTestServer {
  readonly received: Received[] = [];
  /** Requests and upgrades refused for a missing or wrong token. */
  unauthorized = 0;
  private server: http.Server | https.Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Set<Socket>();
  private readonly clients = new Set<WebSocket>();
  private desired: AgentRemoteConfig | null = null;
  private port = 0;

  constructor(private readonly options: OpampServerOptions = {}) {
    this.server = this.makeServer();
  }

  async start(port = 0): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  url(transport: 'http' | 'ws'): string {
    const scheme = transport === 'ws' ? (this.options.tls ? 'wss' : 'ws') : this.options.tls ? 'https' : 'http';
    return `${scheme}://127.0.0.1:${this.port}${OPAMP_PATH}`;
  }

  /** Offers a whole engine config; the hash is the sha256 of the body (the server's choice, as the spec says). */
  offer(body: string, contentType = 'application/json'): Uint8Array {
    const bytes = new TextEncoder().encode(body);
    const configHash = Uint8Array.from(createHash('sha256').update(bytes).digest());
    this.desired = create(AgentRemoteConfigSchema, {
      configHash,
      config: create(AgentConfigMapSchema, { configMap: { '': create(AgentConfigFileSchema, { body: bytes, contentType }) } }),
    });
    for (const client of this.clients) this.push(client, this.answerFor(undefined));
    return configHash;
  }

  /** Sends the current offer again even though the agent reported its hash: the agent must not apply it twice. */
  repeatOffer(): void {
    for (const client of this.clients) this.push(client, this.answerFor(undefined, true));
  }

  /** The last message that carried `field`. */
  latest<K extends keyof AgentToServer>(field: K): AgentToServer[K] | undefined {
    for (let i = this.received.length - 1; i >= 0; i--) {
      const value = this.received[i]!.message[field];
      if (value !== undefined && value !== null) return value;
    }
    return undefined;
  }

  /** Gone, as a crashed server is: the port closes and every connection drops at once. */
  async kill(): Promise<void> {
    for (const client of this.clients) client.terminate();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Back on the same port. */
  async revive(): Promise<void> {
    this.server = this.makeServer();
    await this.start(this.port);
  }

  async close(): Promise<void> {
    if (this.server.listening) await this.kill();
    this.wss.close();
  }

  private makeServer(): http.Server | https.Server {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => this.onRequest(req, res);
    const tls = this.options.tls;
    const server = tls
      ? https.createServer({ cert: readFileSync(tls.serverCert), key: readFileSync(tls.serverKey), ca: readFileSync(tls.caCert), requestCert: true, rejectUnauthorized: true }, handler)
      : http.createServer(handler);
    server.on(tls ? 'secureConnection' : 'connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    server.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
      if (!this.authorized(req)) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (client) => this.onWebSocket(client));
    });
    return server;
  }

  private authorized(req: http.IncomingMessage): boolean {
    if (this.options.token === undefined || req.headers.authorization === `Bearer ${this.options.token}`) return true;
    this.unauthorized += 1;
    return false;
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (req.method !== 'POST' || req.url !== OPAMP_PATH) {
      res.writeHead(404).end();
      return;
    }
    if (!this.authorized(req)) {
      res.writeHead(401).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const message = this.remember('http', raw, raw);
      const answer = toBinary(ServerToAgentSchema, this.answerFor(message));
      res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': answer.length }).end(answer);
    });
  }

  private onWebSocket(client: WebSocket): void {
    this.clients.add(client);
    client.on('close', () => this.clients.delete(client));
    client.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary || data[0] !== 0) {
        client.close(1003, 'binary OpAMP messages only');
        return;
      }
      const message = this.remember('ws', data, data.subarray(1));
      this.push(client, this.answerFor(message));
    });
  }

  private remember(transport: 'http' | 'ws', raw: Buffer, body: Uint8Array): AgentToServer {
    const message = fromBinary(AgentToServerSchema, body);
    this.received.push({ transport, message, raw, at: Date.now() });
    return message;
  }

  /** The remote config goes along until the agent reports its hash (or always, when `force`). */
  private answerFor(message: AgentToServer | undefined, force = false) {
    const last = this.latest('remoteConfigStatus');
    const reported = last !== undefined && this.desired !== null && Buffer.from(last.lastRemoteConfigHash).equals(Buffer.from(this.desired.configHash));
    return create(ServerToAgentSchema, {
      instanceUid: message?.instanceUid ?? this.latest('instanceUid') ?? new Uint8Array(),
      capabilities: BigInt(
        ServerCapabilities.ServerCapabilities_AcceptsStatus |
          ServerCapabilities.ServerCapabilities_OffersRemoteConfig |
          ServerCapabilities.ServerCapabilities_AcceptsEffectiveConfig,
      ),
      ...(this.desired !== null && (force || !reported) ? { remoteConfig: this.desired } : {}),
    });
  }

  private push(client: WebSocket, answer: ReturnType<typeof create<typeof ServerToAgentSchema>>): void {
    if (client.readyState !== WebSocket.OPEN) return;
    const body = toBinary(ServerToAgentSchema, answer);
    const framed = new Uint8Array(body.length + 1);
    framed.set(body, 1);
    client.send(framed);
  }
}
