// Acceptance (admin API auth): no token 401, wrong token 401, right token 200; probes open; a refused request changes
// nothing; the environment's token overrides the config's; an open admin API on a non-loopback address is refused unless
// a flag allows it; the token appears neither in GET /config, nor in the engine's output, nor in validation errors.
import { readFileSync } from 'node:fs';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient } from '../support/admin.js';
import { GENERATOR_GROUPS } from '../support/configs.js';
import { ENGINE_BIN, startEngine, writeConfig, type RunningEngine } from '../support/engine.js';

// Distinctive enough that finding it anywhere in the output can only mean a leak.
const TOKEN = 'adm-E2E-5b7c0f2e9a41d3c8';
const OTHER = 'adm-E2E-other-61f0d2a7c3';

const configWith = (engineSection: string) => `version: otel_dataflow/v1\n${engineSection}${GENERATOR_GROUPS}`;

const generator = {
  nodes: {
    gen: { type: 'receiver:traffic_generator', config: { data_source: 'synthetic', traffic_config: { signals_per_second: 20, log_weight: 1 } } },
    out: { type: 'exporter:noop' },
  },
  connections: [{ from: 'gen', to: 'out' }],
  policies: { resources: { core_allocation: { type: 'core_count', count: 1 } } },
};

describe('admin API with a token from the config', () => {
  let engine: RunningEngine;
  let api: ReturnType<typeof adminClient>;

  beforeAll(async () => {
    const yaml = configWith('engine:\n  http_admin:\n    auth: { bearer_token: "${env:TEST_ADMIN_TOKEN}" }\n');
    engine = await startEngine(yaml, ['--log-level', 'debug'], { TEST_ADMIN_TOKEN: TOKEN }, { adminToken: TOKEN });
    api = adminClient(engine.adminUrl, TOKEN);
    await engine.waitRunning();
  });
  afterAll(async () => {
    await engine?.stop();
  });

  it('answers 401 without a token or with a wrong one, and 200 with the right one', async () => {
    for (const path of ['/status', '/config', '/groups/default', '/groups/default/pipelines/main/status']) {
      const none = await adminClient(engine.adminUrl).get(path);
      expect(none.status, path).toBe(401);
      expect(none.body).toMatchObject({ kind: 'unauthorized', error_code: 'Unauthorized' });
      expect(none.headers.get('www-authenticate')).toBe('Bearer realm="otap-engine"');

      const wrong = await adminClient(engine.adminUrl, OTHER).get(path);
      expect(wrong.status, path).toBe(401);
      expect(wrong.headers.get('www-authenticate')).toBe('Bearer realm="otap-engine", error="invalid_token"');

      expect((await api.get(path)).status, path).toBe(200);
    }
    expect((await fetch(`${engine.adminUrl}/status`)).status).toBe(401);
  });

  it('is what otap-engine ctl sends, from --token or OTAP_ENGINE_ADMIN_TOKEN, to the address of --url', async () => {
    const ctl = (args: string[], env: Record<string, string> = {}) =>
      execa(process.execPath, [ENGINE_BIN, 'ctl', '-o', 'json', ...args], { reject: false, stdin: 'ignore', env: { OTAP_ENGINE_ADMIN_TOKEN: '', ...env } });
    const refused = await ctl(['--url', engine.adminUrl, 'status']);
    expect(refused.exitCode).toBe(4);
    expect(JSON.parse(refused.stdout as string).error_code).toBe('Unauthorized');
    const byFlag = await ctl(['--url', engine.adminUrl, '--token', TOKEN, 'status']);
    expect(byFlag.exitCode).toBe(0);
    expect(Object.keys(JSON.parse(byFlag.stdout as string).pipelines)).toContain('default:main');
    const byEnv = await ctl(['status'], { OTAP_ENGINE_ADMIN_URL: engine.adminUrl, OTAP_ENGINE_ADMIN_TOKEN: TOKEN });
    expect(byEnv.exitCode).toBe(0);
    expect((await ctl(['--url', engine.adminUrl, '--token', OTHER, 'status'])).exitCode).toBe(4);
  });

  it('keeps the probes open', async () => {
    for (const probe of ['livez', 'readyz']) {
      const res = await fetch(`${engine.adminUrl}/api/v1/${probe}`);
      expect(res.status, probe).toBe(200);
    }
  });

  it('changes nothing for a refused mutating request, and everything for an authenticated one', async () => {
    const stranger = adminClient(engine.adminUrl, OTHER);
    expect((await stranger.put('default', 'extra', generator)).status).toBe(401);
    expect((await stranger.post('/groups/default/pipelines/main/shutdown?wait=true')).status).toBe(401);
    expect((await adminClient(engine.adminUrl).del('/groups/default')).status).toBe(401);
    expect(Object.keys((await api.get('/groups/default')).body.pipelines)).toEqual(['main']);
    expect((await engine.pipeline()).deploymentStatus).toBe('running');

    const created = await api.put('default', 'extra', generator);
    expect(created.status).toBe(200);
    expect(Object.keys((await api.get('/groups/default')).body.pipelines).sort()).toEqual(['extra', 'main']);
  });

  it('redacts the token in GET /config', async () => {
    const res = await fetch(`${engine.adminUrl}/api/v1/config`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const text = await res.text();
    expect(text).not.toContain(TOKEN);
    expect(JSON.parse(text).engine.http_admin.auth).toEqual({ bearer_token: '***redacted***' });
  });

  it('keeps the token out of the logs', async () => {
    // Debug level logs every admin request, refused ones included.
    expect(engine.lines.some((l) => l.includes('"admin request"') && l.includes('"status":401'))).toBe(true);
    expect(engine.lines.find((l) => l.includes('"admin listening"'))).toContain('"authentication":"config"');
    expect(engine.lines.join('\n')).not.toContain(TOKEN);
    expect(engine.stderr()).not.toContain(TOKEN);
  });
});

describe('admin API with OTAP_ENGINE_ADMIN_TOKEN', () => {
  it('uses the environment token over the config, keeps it from the instances, and starts on a non-loopback address', async () => {
    const yaml = configWith(`engine:\n  http_admin:\n    auth: { bearer_token: ${OTHER} }\n`);
    const engine = await startEngine(yaml, ['--http-admin-bind', '0.0.0.0:0'], { OTAP_ENGINE_ADMIN_TOKEN: TOKEN }, { adminToken: TOKEN });
    try {
      expect(engine.adminUrl).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
      expect((await adminClient(engine.adminUrl, TOKEN).get('/status')).status).toBe(200);
      expect((await adminClient(engine.adminUrl, OTHER).get('/status')).status).toBe(401);
      expect(engine.lines.find((l) => l.includes('"admin listening"'))).toContain('"authentication":"env"');
      // Instances run pipeline code: they never see the variable.
      const instance = await engine.waitRunning();
      expect(readFileSync(`/proc/${instance.instances[0]!.pid!}/environ`, 'latin1')).not.toContain(TOKEN);
      const config = await adminClient(engine.adminUrl, TOKEN).get('/config');
      expect(config.status).toBe(200);
      expect(config.body.engine.http_admin.auth.bearer_token).toBe('***redacted***');
      expect(JSON.stringify(config.body)).not.toContain(OTHER);
    } finally {
      await engine.stop();
    }
    expect(engine.lines.join('\n') + engine.stderr()).not.toContain(TOKEN);
  });
});

describe('an open admin API on a non-loopback address', () => {
  it('is refused with exit code 2 and the reason', async () => {
    const config = writeConfig(configWith(''));
    const result = await execa(process.execPath, [ENGINE_BIN, '--config', config, '--http-admin-bind', '0.0.0.0:0'], {
      reject: false,
      all: true,
      env: { OTAP_ENGINE_ADMIN_TOKEN: '' },
    });
    expect(result.exitCode).toBe(2);
    expect(result.all).toMatch(/refusing to start: the admin API would listen on 0\.0\.0\.0:0, which is not a loopback address/);
    expect(result.all).toContain('--allow-unauthenticated-admin');
    expect(result.all).not.toContain('admin listening');
  });

  it('starts with --allow-unauthenticated-admin, and says so in a warning', async () => {
    const engine = await startEngine(configWith(''), ['--http-admin-bind', '0.0.0.0:0', '--allow-unauthenticated-admin']);
    try {
      expect((await fetch(`${engine.adminUrl}/api/v1/status`)).status).toBe(200);
      const warning = engine.lines.map((l) => JSON.parse(l) as { level: number; msg: string }).find((l) => l.level === 40);
      expect(warning?.msg).toMatch(/not a loopback address, without authentication/);
    } finally {
      await engine.stop();
    }
  });
});

describe('--validate-and-exit', () => {
  const validate = (yaml: string) =>
    execa(process.execPath, [ENGINE_BIN, '--config', writeConfig(yaml), '--validate-and-exit'], { reject: false, all: true });

  it('reports a bad token by its path without printing it', async () => {
    const result = await validate(configWith(`engine:\n  http_admin:\n    auth: { bearer_token: "${TOKEN} x" }\n`));
    expect(result.exitCode).toBe(1);
    expect(result.all).toContain('engine.http_admin.auth.bearer_token:');
    expect(result.all).not.toContain(TOKEN);
  });

  it('prints nothing of a valid token', async () => {
    const result = await validate(configWith(`engine:\n  http_admin:\n    auth: { bearer_token: ${TOKEN} }\n`));
    expect(result.exitCode).toBe(0);
    expect(result.all).not.toContain(TOKEN);
  });
});
