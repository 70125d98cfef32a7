// Throughput over the last minutes as a small inline SVG chart: items/s into the pipeline and reaching its exporters.
import { formatRate, svg } from './dom.js';
import { SAMPLE_WINDOW_MS, type Sample } from './store.js';

const W = 320;
const H = 80;

function line(samples: Sample[], pick: (s: Sample) => number, max: number, end: number): string {
  return samples
    .map((s, i) => {
      const x = W - ((end - s.at) / SAMPLE_WINDOW_MS) * W;
      const y = H - 4 - (pick(s) / max) * (H - 8);
      return `${i === 0 ? 'M' : 'L'}${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
}

export function throughputChart(samples: Sample[]): SVGSVGElement {
  const last = samples[samples.length - 1];
  const max = Math.max(1, ...samples.map((s) => Math.max(s.inRate, s.outRate)));
  const summary =
    last === undefined
      ? 'Throughput: no samples yet'
      : `Throughput over the last ${Math.round(SAMPLE_WINDOW_MS / 60_000)} minutes: now ${formatRate(last.inRate)} in, ${formatRate(last.outRate)} out; peak ${formatRate(max)}`;
  const root = svg('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': summary, preserveAspectRatio: 'none' });
  root.append(svg('rect', { class: 'chart-bg', x: 0, y: 0, width: W, height: H }));
  if (last !== undefined) {
    root.append(
      svg('path', { class: 'chart-in', d: line(samples, (s) => s.inRate, max, last.at) }),
      svg('path', { class: 'chart-out', d: line(samples, (s) => s.outRate, max, last.at) }),
      svg('text', { x: 4, y: 12, class: 'chart-label' }, `peak ${formatRate(max)}`),
    );
  }
  return root;
}
