import { describe, expect, it } from 'vitest';
import { sameAddress } from '../../src/config/listeners.js';
import { doc, errorsOf, pathsAndCodes, pipeline, validOf } from './helpers.js';

const receiver = (protocols: Record<string, { listening_addr: string }>) =>
  pipeline({
    nodes: { in: { type: 'receiver:otlp', config: { protocols } }, out: { type: 'exporter:noop' } },
    connections: [{ from: 'in', to: 'out' }],
  });

describe('sameAddress', () => {
  it.each([
    ['127.0.0.1:45000', '127.0.0.1:45000', true],
    ['127.0.0.1:45000', '127.0.0.1:45001', false],
    ['127.0.0.1:45000', '127.0.0.2:45000', false],
    ['0.0.0.0:45000', '127.0.0.1:45000', true],
    ['[::]:45000', '127.0.0.1:45000', true],
    ['[::1]:45000', '[::1]:45000', true],
    ['LOCALHOST:45000', 'localhost:45000', true],
    ['127.0.0.1:0', '127.0.0.1:0', false],
  ])('%s vs %s → %s', (a, b, same) => {
    expect(sameAddress(a, b)).toBe(same);
  });
});

describe('listening addresses across pipelines', () => {
  it('reports both pipelines that listen on one address', () => {
    const raw = doc({
      a: receiver({ grpc: { listening_addr: '127.0.0.1:45801' } }),
      b: receiver({ http: { listening_addr: '127.0.0.1:45801' } }),
    });
    const errors = errorsOf(raw);
    expect(pathsAndCodes(errors)).toEqual([
      ['groups.default.pipelines.a.nodes.in.config.protocols.grpc.listening_addr', 'AddressInUse'],
      ['groups.default.pipelines.b.nodes.in.config.protocols.http.listening_addr', 'AddressInUse'],
    ]);
    expect(errors[0]?.message).toContain('default/b');
  });
  it('finds conflicts across groups', () => {
    const raw = {
      version: 'otel_dataflow/v1',
      groups: {
        g1: { pipelines: { a: receiver({ grpc: { listening_addr: '127.0.0.1:45802' } }) } },
        g2: { pipelines: { b: receiver({ grpc: { listening_addr: '127.0.0.1:45802' } }) } },
      },
    };
    expect(errorsOf(raw).map((e) => e.code)).toEqual(['AddressInUse', 'AddressInUse']);
  });
  it('lets any number of listeners use port 0, and distinct ports coexist', () => {
    const raw = doc({
      a: receiver({ grpc: { listening_addr: '127.0.0.1:0' }, http: { listening_addr: '127.0.0.1:0' } }),
      b: receiver({ grpc: { listening_addr: '127.0.0.1:0' }, http: { listening_addr: '127.0.0.1:45803' } }),
    });
    expect(validOf(raw).pipelines).toHaveLength(2);
  });
});
