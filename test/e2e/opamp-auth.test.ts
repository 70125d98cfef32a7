// OpAMP over wss:// with client certificates and a bearer token read from a file: a refused token is retried with
// backoff and never logged, a rotated file is picked up at the next connection without a restart, an agent without
// instance_uid gets a UUIDv7, and on stop the agent says goodbye (agent_disconnect) before closing.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, type RunningEngine } from '../support/engine.js';
import { OpampTestServer } from '../support/opamp-server.js';
import { makeCertificates } from '../support/tls-certs.js';

const GOOD = 'rotated-token-93b1e0';
const BAD = 'stale-token-5c2d7a';

describe('OpAMP over wss with mutual TLS and a token file', () => {
  let server: OpampTestServer;
  let engine: RunningEngine;
  let tokenFile: string;

  beforeAll(async () => {
    const certs = makeCertificates();
    server = new OpampTestServer({ token: GOOD, tls: certs });
    await server.start();
    tokenFile = join(certs.dir, 'opamp-token');
    writeFileSync(tokenFile, `${BAD}\n`);
    const config = {
      version: 'otel_dataflow/v1',
      engine: {
        controller: {
          extensions: {
            opamp: {
              type: 'urn:otel:extension:opamp',
              config: {
                endpoint: server.url('ws'),
                heartbeat_interval: '1s',
                connect_retry: { initial: '100ms', max: '500ms' },
                auth: { bearer_token_file: tokenFile },
                tls: { ca_file: certs.caCert, cert_file: certs.clientCert, key_file: certs.clientKey, include_system_ca_certs_pool: false },
              },
            },
          },
        },
      },
      groups: {},
    };
    engine = await startEngine(JSON.stringify(config));
  }, 60_000);
  afterAll(async () => {
    await engine?.stop();
    await server?.close();
    if (tokenFile) rmSync(tokenFile, { force: true });
  });

  it('retries a refused token without logging it, and picks up a rotated token file', async () => {
    await engine.waitFor(async () => server.unauthorized >= 2, 'refused attempts', 30_000);
    expect(server.received).toHaveLength(0);
    const warning = await engine.waitFor(async () => engine.lines.find((l) => l.includes('opamp: cannot reach the server')), 'the warning');
    expect(JSON.parse(warning).reason).toMatch(/401/);
    writeFileSync(tokenFile, `${GOOD}\n`);
    const first = await engine.waitFor(async () => server.received.find((r) => r.message.agentDescription)?.message, 'a report with the new token', 30_000);
    expect(server.received.every((r) => r.transport === 'ws')).toBe(true);
    // No instance_uid configured: a UUIDv7, reported as service.instance.id too.
    expect(first.instanceUid[6]! >> 4).toBe(7);
    const instanceId = first.agentDescription!.identifyingAttributes.find((kv) => kv.key === 'service.instance.id')?.value?.value.value;
    expect(String(instanceId).replace(/-/g, '')).toBe(Buffer.from(first.instanceUid).toString('hex'));
    // groups: {} is a valid start for a managed engine: healthy, with nothing in it.
    expect(first.health?.healthy).toBe(true);
    expect(Object.keys(first.health?.componentHealthMap ?? {})).toEqual([]);
    expect(engine.lines.some((l) => l.includes(GOOD) || l.includes(BAD))).toBe(false);
    expect(engine.stderr()).not.toContain(GOOD);
  });

  it('says goodbye with agent_disconnect when the engine stops', async () => {
    await engine.stop();
    expect(server.received.at(-1)?.message.agentDisconnect).toBeDefined();
  });
});
