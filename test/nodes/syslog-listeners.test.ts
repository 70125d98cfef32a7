// The listening addresses of receiver:syslog_cef in the whole-config check: two UDP listeners on one address are
// AddressInUse, as two TCP ones are; UDP and TCP on the same port do not conflict (separate port spaces).
import { describe, expect, it } from 'vitest';
import { doc, errorsOf, pathsAndCodes, pipeline, validOf } from '../config/helpers.js';

const syslog = (protocol: Record<string, { listening_addr: string }>) =>
  pipeline({
    nodes: { in: { type: 'receiver:syslog_cef', config: { protocol } }, out: { type: 'exporter:noop' } },
    connections: [{ from: 'in', to: 'out' }],
  });

const otlp = (address: string) =>
  pipeline({
    nodes: { in: { type: 'receiver:otlp', config: { protocols: { http: { listening_addr: address } } } }, out: { type: 'exporter:noop' } },
    connections: [{ from: 'in', to: 'out' }],
  });

describe('syslog listening addresses', () => {
  it('two pipelines on one UDP address: AddressInUse on both', () => {
    const errors = errorsOf(doc({ a: syslog({ udp: { listening_addr: '127.0.0.1:45514' } }), b: syslog({ udp: { listening_addr: '0.0.0.0:45514' } }) }));
    expect(pathsAndCodes(errors)).toEqual([
      ['groups.default.pipelines.a.nodes.in.config.protocol.udp.listening_addr', 'AddressInUse'],
      ['groups.default.pipelines.b.nodes.in.config.protocol.udp.listening_addr', 'AddressInUse'],
    ]);
  });

  it('syslog TCP conflicts with another TCP listener; UDP on the same port does not', () => {
    expect(pathsAndCodes(errorsOf(doc({ a: syslog({ tcp: { listening_addr: '127.0.0.1:45515' } }), b: otlp('127.0.0.1:45515') })))).toEqual([
      ['groups.default.pipelines.a.nodes.in.config.protocol.tcp.listening_addr', 'AddressInUse'],
      ['groups.default.pipelines.b.nodes.in.config.protocols.http.listening_addr', 'AddressInUse'],
    ]);
    expect(() => validOf(doc({ a: syslog({ udp: { listening_addr: '127.0.0.1:45516' } }), b: syslog({ tcp: { listening_addr: '127.0.0.1:45516' } }) }))).not.toThrow();
  });
});
