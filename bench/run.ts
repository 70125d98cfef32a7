// `npm run bench`: runs every benchmark, prints a table and writes bench/results/<name>.json. Figures are compared
// with baselines measured in the same run, because this machine is shared and noisy.
import { availableParallelism } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { benchStartup } from './startup.js';
import { benchRollout, rolloutRows } from './rollout.js';
import { reportThroughput } from './throughput.js';
import { benchGenerator, generatorRows } from './generator.js';
import { reportDurableRecovery } from './durable-recovery.js';
import { reportGrpcForward } from './grpc-forward.js';

const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** `BENCH_ONLY=throughput` (a comma list of startup, rollout, generator, throughput, grpc, durable-recovery) runs only those benches. */
const only = process.env['BENCH_ONLY']?.split(',').map((s) => s.trim()).filter(Boolean);
const runs = (name: string) => only === undefined || only.length === 0 || only.includes(name);

async function main(): Promise<void> {
  mkdirSync(resultsDir, { recursive: true });
  const cores = Math.min(2, availableParallelism());
  const measuredAt = new Date().toISOString();
  const rows: string[][] = [];
  if (runs('startup')) {
    const startup = await benchStartup(cores);
    rows.push(
      ['start → all ready', `${cores}-core pipeline`, `${startup.engineReadyMs} ms`, `bare node child ${startup.baselineChildReadyMs} ms`, `${(startup.engineReadyMs / startup.baselineChildReadyMs).toFixed(1)}x`],
      ['start → all ready: phases', 'median of each', `supervisor ${startup.phases.supervisor} ms, to first spawn ${startup.phases.untilSpawn} ms, instances ${startup.phases.instances} ms, ready → started ${startup.phases.afterReady} ms`, '—', '—'],
      ['idle instance RSS', 'otlp → batch → noop', `${mib(startup.instanceIdleRssBytes)}`, `bare node child ${mib(startup.baselineIdleRssBytes)}`, `${(startup.instanceIdleRssBytes / startup.baselineIdleRssBytes).toFixed(2)}x`],
      ['idle instance private memory', 'otlp → batch → noop', `${mib(startup.instanceIdlePrivateBytes)}`, `bare node child ${mib(startup.baselineIdlePrivateBytes)}`, `+${mib(startup.instanceIdlePrivateBytes - startup.baselineIdlePrivateBytes)}`],
      ['idle instance RSS, 12 s after ready', 'otlp → batch → noop', `${mib(startup.instanceSettledRssBytes)}`, `bare node child ${mib(startup.baselineSettledRssBytes)}`, `+${mib(startup.instanceSettledRssBytes - startup.baselineSettledRssBytes)}`],
      ['idle instance private memory, 12 s after ready', 'otlp → batch → noop', `${mib(startup.instanceSettledPrivateBytes)}`, `bare node child ${mib(startup.baselineSettledPrivateBytes)}`, `+${mib(startup.instanceSettledPrivateBytes - startup.baselineSettledPrivateBytes)}`],
    );
    writeFileSync(`${resultsDir}/startup.json`, JSON.stringify({ measuredAt, node: process.version, ...startup }, null, 2));
  }
  if (runs('rollout')) {
    const rollout = await benchRollout();
    rows.push(...rolloutRows(rollout));
    writeFileSync(`${resultsDir}/rollout.json`, JSON.stringify({ measuredAt, node: process.version, ...rollout }, null, 2));
  }
  if (runs('generator')) {
    const generator = await benchGenerator();
    rows.push(...generatorRows(generator));
    writeFileSync(`${resultsDir}/generator.json`, JSON.stringify({ measuredAt, node: process.version, ...generator }, null, 2));
  }
  if (rows.length > 0) {
    const header = ['measure', 'setup', 'engine', 'baseline (same run)', 'ratio'];
    console.log(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
    for (const row of rows) console.log(`| ${row.join(' | ')} |`);
    console.log('');
  }
  if (runs('throughput')) await reportThroughput();
  if (runs('grpc')) await reportGrpcForward();
  if (runs('durable-recovery')) await reportDurableRecovery(resultsDir);
}

await main();
