// Acceptance (admin API TLS, engine.http_admin.tls): the admin API speaks HTTPS only, the first log line gives its
// https:// address, a client that trusts the CA gets answers (the harness, ctl with --cacert), plain HTTP and an
// untrusting client are refused; with client_ca_file a client without a certificate cannot even complete the
// handshake, and one with a certificate from that CA can. A missing file stops the start naming the file.
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENERATOR_GROUPS } from '../support/configs.js';
import { ENGINE_BIN, httpsGetJson, startEngine, writeConfig, type RunningEngine } from '../support/engine.js';
import { makeCertificates, type CertFiles } from '../support/tls-certs.js';

const configWith = (tls: string) => `version: otel_dataflow/v1\nengine:\n  http_admin:\n    tls: ${tls}\n${GENERATOR_GROUPS}`;

const ctl = (args: string[], env: Record<string, string> = {}) =>
  execa(process.execPath, [ENGINE_BIN, 'ctl', '-o', 'json', ...args], {
    reject: false,
    stdin: 'ignore',
    env: { OTAP_ENGINE_ADMIN_TOKEN: '', OTAP_ENGINE_ADMIN_CACERT: '', OTAP_ENGINE_ADMIN_CERT: '', OTAP_ENGINE_ADMIN_KEY: '', ...env },
  });

/** How a request ended: its status, or the error code that stopped it. */
async function attempt(request: Promise<unknown>): Promise<string> {
  try {
    const answer = await request;
    return typeof answer === 'object' && answer !== null && 'status' in answer ? `status ${(answer as { status: number }).status}` : 'answered';
  } catch (error) {
    const err = error as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
    return `error ${err.code ?? err.cause?.code ?? err.message}`;
  }
}

let certs: CertFiles;
beforeAll(() => {
  certs = makeCertificates();
});

describe('admin API over HTTPS', () => {
  let engine: RunningEngine;

  beforeAll(async () => {
    engine = await startEngine(configWith(`{ cert_file: ${certs.serverCert}, key_file: ${certs.serverKey} }`), [], {}, { adminTls: { ca: certs.caCert } });
    await engine.waitRunning();
  });
  afterAll(async () => {
    await engine?.stop();
  });

  it('says so in its first log line and answers a client that trusts the CA', async () => {
    const first = JSON.parse(engine.lines[0]!) as { msg: string; address: string; url: string; tls: string };
    expect(first).toMatchObject({ msg: 'admin listening', tls: 'on' });
    expect(first.url).toBe(`https://${first.address}`);
    expect(engine.adminUrl).toBe(first.url);
    expect(await httpsGetJson(`${engine.adminUrl}/api/v1/livez`, {}, { ca: certs.caCert })).toMatchObject({ probe: 'livez', status: 'ok' });
    expect((await engine.pipeline()).deploymentStatus).toBe('running');
  });

  it('refuses plain HTTP and a client that does not trust its certificate', async () => {
    const plainUrl = engine.adminUrl.replace('https://', 'http://');
    expect(await attempt(fetch(`${plainUrl}/api/v1/status`))).toMatch(/^error /);
    expect(await attempt(httpsGetJson(`${engine.adminUrl}/api/v1/status`))).toMatch(/^error (UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)/);
  });

  it('is reached by otap-engine ctl with --cacert or OTAP_ENGINE_ADMIN_CACERT, and not without', async () => {
    const byFlag = await ctl(['--url', engine.adminUrl, '--cacert', certs.caCert, 'status']);
    expect(byFlag.exitCode, byFlag.stderr).toBe(0);
    expect(JSON.parse(byFlag.stdout).pipelines['default:main']).toBeDefined();
    expect((await ctl(['--url', engine.adminUrl, 'status'], { OTAP_ENGINE_ADMIN_CACERT: certs.caCert })).exitCode).toBe(0);
    const untrusted = await ctl(['--url', engine.adminUrl, 'status']);
    expect(untrusted.exitCode).toBe(3);
    expect(untrusted.stderr).toMatch(/cannot reach the engine at https:.*(UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)/);
    const missing = await ctl(['--url', engine.adminUrl, '--cacert', join(certs.dir, 'nope.crt'), 'status']);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/cannot read --cacert ".*nope\.crt": ENOENT/);
  });
});

describe('admin API with mutual TLS (client_ca_file)', () => {
  let engine: RunningEngine;
  const clientTls = () => ({ ca: certs.caCert, cert: certs.clientCert, key: certs.clientKey });

  beforeAll(async () => {
    const tls = `{ cert_file: ${certs.serverCert}, key_file: ${certs.serverKey}, client_ca_file: ${certs.caCert} }`;
    engine = await startEngine(configWith(tls), [], {}, { adminTls: clientTls() });
    await engine.waitRunning();
  });
  afterAll(async () => {
    await engine?.stop();
  });

  it('answers a client with a certificate from the CA, probes included, and refuses one without', async () => {
    expect(JSON.parse(engine.lines[0]!)).toMatchObject({ msg: 'admin listening', tls: 'mutual' });
    expect(await httpsGetJson(`${engine.adminUrl}/api/v1/readyz`, {}, clientTls())).toMatchObject({ probe: 'readyz' });
    const refused = await attempt(httpsGetJson(`${engine.adminUrl}/api/v1/livez`, {}, { ca: certs.caCert }));
    expect(refused).toMatch(/^error (ECONNRESET|ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED|EPIPE)/);
  });

  it('is reached by otap-engine ctl with --cert and --key', async () => {
    const ok = await ctl(['--url', engine.adminUrl, '--cacert', certs.caCert, '--cert', certs.clientCert, '--key', certs.clientKey, 'status']);
    expect(ok.exitCode, ok.stderr).toBe(0);
    const refused = await ctl(['--url', engine.adminUrl, '--cacert', certs.caCert, 'status']);
    expect(refused.exitCode).toBe(3);
    const half = await ctl(['--url', engine.adminUrl, '--cacert', certs.caCert, '--cert', certs.clientCert, 'status']);
    expect(half.exitCode).toBe(2);
  });
});

describe('admin API TLS files', () => {
  it('a missing file stops the start with exit code 2, naming the setting and the file', async () => {
    const missing = join(certs.dir, 'missing.key');
    const config = writeConfig(configWith(`{ cert_file: ${certs.serverCert}, key_file: ${missing} }`));
    const result = await execa(process.execPath, [ENGINE_BIN, '--config', config, '--http-admin-bind', '127.0.0.1:0'], { reject: false, all: true });
    expect(result.exitCode).toBe(2);
    expect(result.all).toContain(`engine.http_admin.tls.key_file: cannot read "${missing}": ENOENT`);
    expect(result.all).not.toContain('admin listening');
    // Validation does not need the files: a config is checked where it is written.
    expect((await execa(process.execPath, [ENGINE_BIN, '--config', config, '--validate-and-exit'], { reject: false })).exitCode).toBe(0);
  });
});
