// The pipeline drawn as an SVG graph: nodes in columns by their distance from the receivers, connections as arrows,
// and under each node what flows through it now (items/s in and out; refused, dropped and failed since the instances
// started) when the status carries counters.
import { formatRate, svg } from './dom.js';
import { edgesOf, type NodeActivity } from './store.js';
import type { PipelineConfig } from './types.js';

const BOX_W = 170;
const BOX_H = 62;
const GAP_X = 56;
const GAP_Y = 18;
const PAD = 8;

/** Column of each node: the longest path to it from a node nothing feeds (a loop is cut where it closes). */
function columns(nodes: string[], edges: Array<[string, string]>): Map<string, number> {
  const column = new Map<string, number>();
  const visiting = new Set<string>();
  const depth = (node: string): number => {
    const known = column.get(node);
    if (known !== undefined) return known;
    if (visiting.has(node)) return 0;
    visiting.add(node);
    const parents = edges.filter(([, to]) => to === node).map(([from]) => from);
    const value = parents.length === 0 ? 0 : Math.max(...parents.map((p) => depth(p) + 1));
    visiting.delete(node);
    column.set(node, value);
    return value;
  };
  for (const node of nodes) depth(node);
  return column;
}

function kindOf(type: string | undefined): string {
  const match = /(receiver|processor|exporter)/.exec(type ?? '');
  return match?.[1] ?? 'node';
}

export function pipelineGraph(idSuffix: string, config: PipelineConfig, activity: Record<string, NodeActivity> | undefined): SVGSVGElement {
  const nodes = Object.keys(config.nodes ?? {});
  const edges = edgesOf(config).filter(([from, to]) => nodes.includes(from) && nodes.includes(to));
  const column = columns(nodes, edges);
  const rows = new Map<number, number>();
  const at = new Map<string, { x: number; y: number }>();
  for (const node of nodes) {
    const c = column.get(node) ?? 0;
    const r = rows.get(c) ?? 0;
    rows.set(c, r + 1);
    at.set(node, { x: PAD + c * (BOX_W + GAP_X), y: PAD + r * (BOX_H + GAP_Y) });
  }
  const width = PAD * 2 + (Math.max(0, ...column.values()) + 1) * (BOX_W + GAP_X) - GAP_X;
  const height = PAD * 2 + Math.max(1, ...rows.values()) * (BOX_H + GAP_Y) - GAP_Y;
  const marker = `arrow-${idSuffix}`;
  const described = nodes.map((n) => `${n} (${config.nodes?.[n]?.type ?? '?'})`).join(', ');
  const root = svg('svg', {
    class: 'graph',
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: 'img',
    'aria-label': `Pipeline graph: ${nodes.length} nodes: ${described}; ${edges.map(([f, t]) => `${f} to ${t}`).join(', ')}`,
  });
  root.append(
    svg('defs', {}, svg('marker', { id: marker, viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, svg('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrowhead' }))),
  );
  for (const [from, to] of edges) {
    const a = at.get(from)!;
    const b = at.get(to)!;
    const x1 = a.x + BOX_W;
    const y1 = a.y + BOX_H / 2;
    const x2 = b.x;
    const y2 = b.y + BOX_H / 2;
    const bend = Math.max(20, (x2 - x1) / 2);
    root.append(svg('path', { class: 'edge', d: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`, 'marker-end': `url(#${marker})` }));
  }
  for (const node of nodes) {
    const { x, y } = at.get(node)!;
    const type = config.nodes?.[node]?.type;
    const flow = activity?.[node];
    const losses = flow === undefined ? [] : [['refused', flow.refused], ['dropped', flow.dropped], ['failed', flow.failed]].filter(([, n]) => Number(n) > 0);
    const group = svg('g', { class: `node node-${kindOf(type)}`, 'data-node': node, transform: `translate(${x},${y})` });
    group.append(
      svg('title', {}, `${node}: ${type ?? ''}`),
      svg('rect', { width: BOX_W, height: BOX_H, rx: 6, class: losses.length > 0 ? 'box box-loss' : 'box' }),
      svg('text', { x: 8, y: 17, class: 'node-name' }, node),
      svg('text', { x: 8, y: 32, class: 'node-type' }, type ?? ''),
      svg('text', { x: 8, y: 47, class: 'node-flow' }, flow === undefined ? 'no counters yet' : `in ${formatRate(flow.inRate)} · out ${formatRate(flow.outRate)}`),
    );
    if (losses.length > 0) group.append(svg('text', { x: 8, y: 59, class: 'node-loss' }, losses.map(([k, n]) => `${k} ${n}`).join(' · ')));
    root.append(group);
  }
  return root;
}
