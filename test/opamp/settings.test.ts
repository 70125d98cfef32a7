// Loading an OpAMP extension's settings: files are read at start and a bad one names its setting (never its content),
// a generated instance uid is a UUIDv7, and the retry pacing stays within its jitter and cap.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { opampConfigOf } from '../../src/config/controller.js';
import { loadOpampSettings } from '../../src/opamp/settings.js';
import { ExponentialBackoff } from '../../src/opamp/backoff.js';
import { formatUuid } from '../../src/opamp/instance-uid.js';
import { makeCertificates } from '../support/tls-certs.js';

const load = (config: Record<string, unknown>) => loadOpampSettings('fleet', opampConfigOf({ type: 'urn:otel:extension:opamp', config }));

describe('loadOpampSettings', () => {
  it('picks the transport from the scheme and generates a UUIDv7 when no instance_uid is set', async () => {
    const ws = await load({ endpoint: 'wss://user:pw@fleet.example:4320/v1/opamp?x=1' });
    expect([ws.transport, ws.endpointForLogs, ws.heartbeatMs, ws.shutdownMs]).toEqual(['websocket', 'wss://fleet.example:4320/v1/opamp', 30_000, 2000]);
    expect(formatUuid(ws.instanceUid)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const http = await load({ endpoint: 'http://127.0.0.1:4320/v1/opamp', instance_uid: '8be4df61-93ca-11d2-aa0d-00e098032b8c' });
    expect([http.transport, formatUuid(http.instanceUid), http.instanceUidConfigured]).toEqual(['http', '8be4df61-93ca-11d2-aa0d-00e098032b8c', true]);
  });

  it('reads TLS files and the token file at start, naming the setting of one it cannot use', async () => {
    const certs = makeCertificates();
    const tls = { ca_file: certs.caCert, cert_file: certs.clientCert, key_file: certs.clientKey };
    const loaded = await load({ endpoint: 'https://127.0.0.1:1/v1/opamp', tls });
    expect(loaded.tls?.ca?.at(-1)).toContain('BEGIN CERTIFICATE');
    expect(loaded.tls?.ca?.length).toBeGreaterThan(1);
    await expect(load({ endpoint: 'https://127.0.0.1:1/v1/opamp', tls: { ...tls, ca_file: '/nope/ca.pem' } })).rejects.toThrow(
      /engine\.controller\.extensions\.fleet\.config\.tls\.ca_file: cannot read "\/nope\/ca\.pem": ENOENT/,
    );
    await expect(load({ endpoint: 'https://127.0.0.1:1/v1/opamp', tls: { ...tls, key_file: certs.serverKey } })).rejects.toThrow(/tls: the certificate files cannot be used/);

    const dir = mkdtempSync(join(tmpdir(), 'opamp-token-'));
    const file = join(dir, 'token');
    writeFileSync(file, 'two words\n');
    const refused = load({ endpoint: 'https://127.0.0.1:1/v1/opamp', auth: { bearer_token_file: file } });
    await expect(refused).rejects.toThrow(/auth\.bearer_token_file: the file must hold one token/);
    await expect(refused).rejects.not.toThrow(/two words/);
    writeFileSync(file, 'good-token\n');
    const withToken = await load({ endpoint: 'https://127.0.0.1:1/v1/opamp', auth: { bearer_token_file: file } });
    writeFileSync(file, 'rotated-token\n');
    expect(await withToken.token?.()).toBe('rotated-token');
  });
});

describe('ExponentialBackoff', () => {
  it('grows by its factor up to its cap, within ±20 % jitter, and starts again after a reset', () => {
    const backoff = new ExponentialBackoff({ initialMs: 100, maxMs: 1000, factor: 2 });
    const bases = [100, 200, 400, 800, 1000, 1000];
    for (const base of bases) {
      const delay = backoff.next();
      expect(delay).toBeGreaterThanOrEqual(base * 0.8 - 1);
      expect(delay).toBeLessThanOrEqual(base * 1.2 + 1);
    }
    backoff.reset();
    expect(backoff.next()).toBeLessThanOrEqual(121);
  });
});
