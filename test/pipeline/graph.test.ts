import { describe, expect, it } from 'vitest';
import { planGraph } from '../../src/pipeline/graph.js';
import { edge, node } from './helpers/pipeline.js';

describe('planGraph', () => {
  it('orders nodes topologically and maps ports to downstream nodes', () => {
    const plan = planGraph({
      nodes: [node('out', 'exporter', 'noop'), node('b2', 'processor', 'batch'), node('b1', 'processor', 'batch'), node('in', 'receiver', 'test')],
      edges: [edge('in', 'b1'), edge('b1', 'b2'), edge('b2', 'out'), edge('in', 'out', 'logs'), edge('in', 'b1')],
    });
    expect(plan.order.map((n) => n.name)).toEqual(['in', 'b1', 'b2', 'out']);
    expect(plan.downstream.get('in')).toEqual(new Map([['default', ['b1']], ['logs', ['out']]]));
    expect(plan.upstream.get('out')).toEqual(['b2', 'in']);
  });

  it('refuses cycles, unknown nodes and edges against the flow', () => {
    const nodes = [node('in', 'receiver', 'test'), node('a', 'processor', 'batch'), node('b', 'processor', 'batch'), node('out', 'exporter', 'noop')];
    expect(() => planGraph({ nodes, edges: [edge('in', 'a'), edge('a', 'b'), edge('b', 'a')] })).toThrow(/cycle/);
    expect(() => planGraph({ nodes, edges: [edge('in', 'nope')] })).toThrow(/unknown node/);
    expect(() => planGraph({ nodes, edges: [edge('out', 'a')] })).toThrow(/exporter/);
    expect(() => planGraph({ nodes, edges: [edge('a', 'in')] })).toThrow(/receiver/);
  });
});
