// Starts upstream's `run` example configs as a user would, changing only listening ports and file paths (and giving
// the certificates their TLS examples name): each engine must become ready, and where the file generates its own
// data, that data must flow. Shared by the two halves of the suite, which run in parallel.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { expect, it } from 'vitest';
import { parse } from 'yaml';
import { startEngine, type RunningEngine } from '../support/engine.js';
import { makeCertificates } from '../support/tls-certs.js';
import { corpusText, freePort, localised, readManifest } from '../support/upstream-corpus.js';

/** Files the engine refuses to run here (it exits before serving), each with the reason it must give. */
const EXPECTED_REFUSALS: Record<string, RegExp> = {
  // Pipelines ask for cores 0-35 by core_count 15 and core_set 21-35: a 2-core machine refuses them, as upstream does.
  'engine-conf__continuous_benchmark.yaml': /core_count 15 exceeds the \d+ available cores|core_set: cores .* not available/,
};

/** Extra command-line flags a file's own comments tell its users to pass. */
const FLAGS: Record<string, string[]> = {
  'host-metrics-otlp.yaml': ['--num-cores', '1'],
};

/** What else a file's start must show, beyond readiness and data flowing. */
const ALSO_EXPECTED: Record<string, (engine: RunningEngine) => Promise<unknown>> = {
  // Its OpAMP server's port is a free one where nothing listens: the engine runs regardless and keeps retrying.
  'opamp-controller-extension.yaml': (engine) =>
    engine.waitFor(async () => engine.lines.some((line) => line.includes('opamp: cannot reach the server')), 'the OpAMP agent retrying'),
};

const GENERATING = ['receiver:traffic_generator', 'receiver:host_metrics', 'receiver:internal_telemetry'];

export function runStartCases(half: 0 | 1): void {
  const files = readManifest()
    .filter((entry) => entry.cls === 'run')
    .map((entry) => entry.file)
    .filter((_, index) => index % 2 === half);
  it.each(files)('%s starts', async (file) => {
    const { yaml, dir, paths } = await localised(corpusText(file));
    const certs = makeCertificates();
    mkdirSync(join(dir, 'test-certs'));
    for (const name of ['ca.crt', 'server.crt', 'server.key', 'client.crt', 'client.key']) {
      copyFileSync(join(certs.dir, name), join(dir, 'test-certs', name));
    }
    // Certificates a file names by absolute path are made where the (moved) path points.
    for (const path of paths.filter((p) => /\.(pem|crt|key)$/.test(p))) {
      mkdirSync(dirname(path), { recursive: true });
      copyFileSync(/key/.test(basename(path)) ? certs.serverKey : /ca/.test(basename(path)) ? certs.caCert : certs.serverCert, path);
    }
    let engine: RunningEngine | undefined;
    try {
      // Some files route the engine's own log lines to their observability pipeline, off stdout: poll a known port.
      const adminPort = await freePort();
      engine = await startEngine(yaml, FLAGS[file] ?? [], {}, { cwd: dir, adminPort }).catch((error: Error) => {
        const refusal = EXPECTED_REFUSALS[file];
        if (refusal && refusal.test(error.message)) return undefined;
        throw error;
      });
      if (engine === undefined) return;
      expect(EXPECTED_REFUSALS[file], `${file} was expected to be refused`).toBeUndefined();
      const running = engine;
      // A timeout says why: the last readyz answer names the failing pipelines and their Ready condition.
      let readyz = '';
      const isReady = async () => {
        const answer = await fetch(`${running.adminUrl}/api/v1/readyz`);
        readyz = await answer.text();
        return answer.status === 200;
      };
      await running.waitFor(isReady, `${file} ready`, 30_000).catch((error: Error) => {
        throw new Error(`${error.message}; last readyz: ${readyz}`);
      });
      for (const key of pipelinesGenerating(yaml)) {
        await running.waitFor(async () => {
          const status = (await running.status()).pipelines[key];
          return status?.instances.some((i) => Object.values(i.nodes ?? {}).some((n) => n.itemsSent > 0 && n.itemsReceived > 0));
        }, `${file}: data flowing in ${key}`, 30_000);
      }
      await ALSO_EXPECTED[file]?.(running);
    } finally {
      await engine?.stop();
      // The files' data (a durable buffer's log, file exporters' output) goes with the test.
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

/** `group:pipeline` of every pipeline whose data comes from inside the engine (generators, host, own telemetry). */
function pipelinesGenerating(yaml: string): string[] {
  const doc = parse(yaml) as { groups: Record<string, { pipelines: Record<string, { nodes: Record<string, { type: string }> }> }> };
  const keys: string[] = [];
  for (const [group, spec] of Object.entries(doc.groups)) {
    for (const [pipeline, p] of Object.entries(spec.pipelines)) {
      if (Object.values(p.nodes).some((n) => GENERATING.includes(n.type.replace(/^urn:otel:/, '')))) keys.push(`${group}:${pipeline}`);
    }
  }
  return keys;
}
