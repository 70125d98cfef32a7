// Rollouts under load: a rolling replace and a resize 1→2→1 of an OTLP/HTTP → batch → OTLP/HTTP pipeline while 8
// keep-alive connections stream log requests, measured for duration (PUT → 200 with wait=true), loss (records the load
// saw acknowledged that never reached the sink), duplicates, failed requests and the throughput dip. Baseline from the
// same run: the same load against the same pipeline with no rollout, whose min/median bucket ratio is the machine's
// own noise.
//
// Placement on 2 cores: the bench process (load generator + sink) pins itself to the second core; the engine's
// supervisor may use both, and the replace pipeline runs on the first core only, so load and pipeline do not share a
// core. A 2-core replace (pipeline on both cores, one shared with the load) is measured as well, because a rolling
// replace goes core by core; the resize necessarily puts an instance on the bench's core. On 1 core nothing is pinned
// and the resize is skipped.
import { availableParallelism } from 'node:os';
import { LOAD, BUCKET_MS, WARMUP_MS, WINDOW_MS, runSession, type PipelineShape, type SessionResult } from './load-session.js';
import { affinity, median, pinSelf } from './support.js';

const RUNS = 3;
const BATCH = 512;
const CHANGED_BATCH = 500;

export interface ReplaceRuns {
  pipelineCores: number[];
  runs: SessionResult[];
  baselineRuns: SessionResult[];
  summary: ChangeSummary & { baselineMedianRecordsPerSec: number; baselineMinRecordsPerSec: number; baselineNoiseRatio: number };
}

export interface ChangeSummary {
  durationMs: number;
  durationRunsMs: number[];
  dip: number;
  dipRuns: number[];
  /** min bucket in the first second after the 200 / median before */
  dipAfter: number;
  dipAfterRuns: number[];
  beforeMedianRecordsPerSec: number;
  afterMedianRecordsPerSec: number;
  lost: number;
  duplicates: number;
  refused: number;
  failed: number;
  /** of which in the buckets overlapping this change's PUT → 200 */
  refusedDuringRollout: number;
  failedDuringRollout: number;
  acked: number;
  allSucceeded: boolean;
}

export interface RolloutBenchResult {
  cores: number[];
  placement: { engineCores: string; benchCores: string; replaceCores: number[]; note: string };
  load: typeof LOAD & { bucketMs: number; warmupMs: number; windowMs: number; runs: number };
  replace: ReplaceRuns;
  replaceShared?: ReplaceRuns;
  resize?: {
    runs: SessionResult[];
    up: ChangeSummary & { keptPidUnchanged: boolean };
    down: ChangeSummary & { keptPidUnchanged: boolean };
  };
  resizeSkipped?: string;
}

function summarise(sessions: SessionResult[], index: number): ChangeSummary {
  const changes = sessions.map((s) => s.changes[index]!);
  const sum = (f: (s: SessionResult) => number) => sessions.reduce((a, s) => a + f(s), 0);
  return {
    durationMs: median(changes.map((c) => c.durationMs)),
    durationRunsMs: changes.map((c) => c.durationMs),
    dip: median(changes.map((c) => c.dip)),
    dipRuns: changes.map((c) => round3(c.dip)),
    dipAfter: median(changes.map((c) => c.dipAfter)),
    dipAfterRuns: changes.map((c) => round3(c.dipAfter)),
    beforeMedianRecordsPerSec: median(changes.map((c) => c.before.medianRecordsPerSec)),
    afterMedianRecordsPerSec: median(changes.map((c) => c.after.medianRecordsPerSec)),
    // Loss, duplicates and failures belong to a whole session, not to one of its changes: totals over every run.
    lost: sum((s) => s.lost),
    duplicates: sum((s) => s.duplicates),
    refused: sum((s) => s.refused),
    failed: sum((s) => s.failed),
    refusedDuringRollout: changes.reduce((n, c) => n + c.refusedDuring, 0),
    failedDuringRollout: changes.reduce((n, c) => n + c.failedDuring, 0),
    acked: sum((s) => s.acked),
    allSucceeded: changes.every((c) => c.httpStatus === 200 && c.state === 'succeeded'),
  };
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** Same pid and generation on `core` before and after the change. */
function keptPid(sessions: SessionResult[], index: number, core: number): boolean {
  return sessions.every((s) => {
    const c = s.changes[index]!;
    const before = c.instancesBefore.filter((i) => i.coreId === core);
    const after = c.instancesAfter.filter((i) => i.coreId === core);
    return before.length === 1 && after.length === 1 && before[0]!.pid === after[0]!.pid && before[0]!.generation === after[0]!.generation;
  });
}

async function replaceRuns(cores: number[], engineCpus: string | undefined, tag: string, log: (s: string) => void): Promise<ReplaceRuns> {
  const runs: SessionResult[] = [];
  const baselineRuns: SessionResult[] = [];
  for (let i = 0; i < RUNS; i++) {
    const run = await runSession({ start: { cores, batchSize: BATCH }, changes: [{ cores, batchSize: CHANGED_BATCH }], engineCpus, tag: `${tag}-${i}` });
    runs.push(run);
    log(`${tag} run ${i + 1}: ${run.changes[0]!.durationMs} ms, dip ${run.changes[0]!.dip.toFixed(2)}, lost ${run.lost}, dup ${run.duplicates}, failed ${run.failed}, refused ${run.refused}`);
    // Baseline right after, over the same measured span, so both see the same stretch of the machine's weather.
    const base = await runSession({ start: { cores, batchSize: BATCH }, changes: [], holdMs: run.measuredMs, engineCpus, tag: `${tag}-base-${i}` });
    baselineRuns.push(base);
    log(`${tag} baseline ${i + 1}: median ${base.measured.medianRecordsPerSec} rec/s, min/median ${base.noiseRatio.toFixed(2)}, cpu bench ${base.cpu.benchPercent}% engine ${base.cpu.enginePercent}%`);
  }
  return {
    pipelineCores: cores,
    runs,
    baselineRuns,
    summary: {
      ...summarise(runs, 0),
      baselineMedianRecordsPerSec: median(baselineRuns.map((b) => b.measured.medianRecordsPerSec)),
      baselineMinRecordsPerSec: median(baselineRuns.map((b) => b.measured.minRecordsPerSec)),
      baselineNoiseRatio: median(baselineRuns.map((b) => b.noiseRatio)),
    },
  };
}

export async function benchRollout(log: (s: string) => void = (s) => console.error(s)): Promise<RolloutBenchResult> {
  const usable = affinity();
  const two = availableParallelism() >= 2 && usable.length >= 2;
  const [first, second] = usable as [number, number | undefined];
  const engineCpus = two ? `${first},${second}` : undefined;
  const restore = two ? pinSelf([second!]) : () => undefined;
  try {
    const replace = await replaceRuns([first], engineCpus, 'replace', log);
    const result: RolloutBenchResult = {
      cores: usable,
      placement: {
        engineCores: engineCpus ?? String(first),
        benchCores: two ? String(second) : String(first),
        replaceCores: [first],
        note: two
          ? `bench (load + sink) pinned to core ${second}; supervisor may use ${engineCpus}; replace pipeline on core ${first} only`
          : 'one core: engine and bench share it; resize skipped',
      },
      load: { ...LOAD, bucketMs: BUCKET_MS, warmupMs: WARMUP_MS, windowMs: WINDOW_MS, runs: RUNS },
      replace,
    };
    if (!two) {
      result.resizeSkipped = 'only one core available';
      return result;
    }
    result.replaceShared = await replaceRuns([first, second!], engineCpus, 'replace-2core', log);
    const one: PipelineShape = { cores: [first], batchSize: BATCH };
    const both: PipelineShape = { cores: [first, second!], batchSize: BATCH };
    const runs: SessionResult[] = [];
    for (let i = 0; i < RUNS; i++) {
      const run = await runSession({ start: one, changes: [both, one], engineCpus, tag: `resize-${i}` });
      runs.push(run);
      const [up, down] = run.changes as [SessionResult['changes'][0], SessionResult['changes'][0]];
      log(`resize run ${i + 1}: 1→2 ${up.durationMs} ms dip ${up.dip.toFixed(2)}, 2→1 ${down.durationMs} ms dip ${down.dip.toFixed(2)}, lost ${run.lost}, dup ${run.duplicates}, failed ${run.failed}, refused ${run.refused}`);
    }
    result.resize = {
      runs,
      up: { ...summarise(runs, 0), keptPidUnchanged: keptPid(runs, 0, first) },
      down: { ...summarise(runs, 1), keptPidUnchanged: keptPid(runs, 1, first) },
    };
    return result;
  } finally {
    restore();
  }
}

const krps = (n: number) => `${(n / 1000).toFixed(1)}k rec/s`;
const books = (c: ChangeSummary, during: string) =>
  `${c.lost} / ${c.duplicates} / ${c.refused} / ${c.failed} of ${c.acked.toLocaleString('en-US')} acked (${during})`;
const duringText = (c: ChangeSummary) => `${c.refusedDuringRollout} / ${c.failedDuringRollout}`;

/** Rows for the combined table: measure, setup, engine, baseline (same run), ratio. */
export function rolloutRows(r: RolloutBenchResult): string[][] {
  const load = `${r.load.connections} conn × ${r.load.recordsPerRequest} rec, ${r.load.runs} runs`;
  const rows: string[][] = [];
  const replace = (label: string, runs: ReplaceRuns) => {
    const s = runs.summary;
    const setup = `core${runs.pipelineCores.length > 1 ? 's' : ''} ${runs.pipelineCores.join(',')}, ${load}`;
    rows.push(
      [`${label}: PUT → 200`, setup, `${s.durationMs} ms${s.allSucceeded ? '' : ' (not all succeeded)'}`, '—', '—'],
      [`${label}: lost / dup / 429-503 / failed`, setup, books(s, `429-503 / failed during rollout: ${duringText(s)}`), '—', '—'],
      [
        `${label}: throughput dip`,
        'min bucket during / median before',
        `${s.dip.toFixed(2)} (${krps(median(runs.runs.map((x) => x.changes[0]!.during.minRecordsPerSec)))} / ${krps(s.beforeMedianRecordsPerSec)}); 1st s after: ${s.dipAfter.toFixed(2)}`,
        `no rollout: min/median ${s.baselineNoiseRatio.toFixed(2)} (${krps(s.baselineMinRecordsPerSec)} / ${krps(s.baselineMedianRecordsPerSec)})`,
        `${(s.dip / s.baselineNoiseRatio).toFixed(2)}x`,
      ],
      [`${label}: throughput`, 'median bucket before → after', `${krps(s.beforeMedianRecordsPerSec)} → ${krps(s.afterMedianRecordsPerSec)}`, `no rollout: ${krps(s.baselineMedianRecordsPerSec)}`, `${(s.beforeMedianRecordsPerSec / s.baselineMedianRecordsPerSec).toFixed(2)}x`],
    );
  };
  replace('replace', r.replace);
  if (r.replaceShared) replace('replace (2 cores)', r.replaceShared);
  if (r.resize && r.replaceShared) {
    const { up, down } = r.resize;
    const setup = `1→2→1, ${load}`;
    const noise1 = r.replace.summary.baselineNoiseRatio;
    const noise2 = r.replaceShared.summary.baselineNoiseRatio;
    rows.push(
      ['resize 1→2: PUT → 200', setup, `${up.durationMs} ms${up.allSucceeded ? '' : ' (not all succeeded)'}`, '—', '—'],
      ['resize 2→1: PUT → 200', setup, `${down.durationMs} ms${down.allSucceeded ? '' : ' (not all succeeded)'}`, '—', '—'],
      ['resize: lost / dup / 429-503 / failed', setup, books(up, `during 1→2: ${duringText(up)}, during 2→1: ${duringText(down)}`), '—', '—'],
      ['resize: kept core pid', `core ${r.replace.pipelineCores[0]}, status before/after`, up.keptPidUnchanged && down.keptPidUnchanged ? 'unchanged' : `CHANGED (1→2 ${up.keptPidUnchanged ? 'kept' : 'changed'}, 2→1 ${down.keptPidUnchanged ? 'kept' : 'changed'})`, '—', '—'],
      ['resize 1→2: throughput dip', 'min bucket during / median before', `${up.dip.toFixed(2)}; 1st s after: ${up.dipAfter.toFixed(2)}`, `no rollout, 1 core: ${noise1.toFixed(2)}`, `${(up.dip / noise1).toFixed(2)}x`],
      ['resize 2→1: throughput dip', 'min bucket during / median before', `${down.dip.toFixed(2)}; 1st s after: ${down.dipAfter.toFixed(2)}`, `no rollout, 2 cores: ${noise2.toFixed(2)}`, `${(down.dip / noise2).toFixed(2)}x`],
    );
  } else if (r.resizeSkipped) {
    rows.push(['resize 1→2→1', 'skipped', r.resizeSkipped, '—', '—']);
  }
  return rows;
}
