// Sums up a V8 .cpuprofile (from `--cpu-prof`, e.g. THROUGHPUT_CPU_PROF=<dir> with bench/throughput.ts): self time by
// function and by source file, the share of idle and GC, and the inclusive time of the engine's own functions.
// Usage: node --import tsx bench/throughput-profile.ts <file.cpuprofile> [top=25]
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const [file, topArg] = process.argv.slice(2);
if (!file) throw new Error('usage: throughput-profile.ts <file.cpuprofile> [top]');
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const shortUrl = (url: string) => url.replace(/^.*\/(node_modules\/)/, '$1').replace(/^file:\/\/.*?\/(dist|src)\//, '$1/').replace(/^node:/, 'node:');
const frameKey = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'} ${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;

const selfUs = new Map<number, number>();
let total = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i] ?? 0;
  total += dt;
  selfUs.set(profile.samples[i]!, (selfUs.get(profile.samples[i]!) ?? 0) + dt);
}

const selfByFn = new Map<string, number>();
const selfByFile = new Map<string, number>();
const inclusiveByFn = new Map<string, number>();
for (const [id, us] of selfUs) {
  const node = byId.get(id)!;
  selfByFn.set(frameKey(node), (selfByFn.get(frameKey(node)) ?? 0) + us);
  const f = shortUrl(node.callFrame.url) || node.callFrame.functionName;
  selfByFile.set(f, (selfByFile.get(f) ?? 0) + us);
  // inclusive: every distinct frame on the stack of this sample
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const key = frameKey(byId.get(cur)!);
    if (seen.has(key)) continue;
    seen.add(key);
    inclusiveByFn.set(key, (inclusiveByFn.get(key) ?? 0) + us);
  }
}

const pct = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)} %`;
const print = (title: string, map: Map<string, number>, n: number, filter: (k: string) => boolean = () => true) => {
  console.log(`\n${title}`);
  for (const [k, us] of [...map].filter(([k]) => filter(k)).sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${pct(us)}  ${k}`);
};
console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled`);
print('self time by function', selfByFn, top);
print('self time by file', selfByFile, 15);
print('inclusive time, engine code (dist/ or src/)', inclusiveByFn, top, (k) => / (dist|src)\//.test(k));
