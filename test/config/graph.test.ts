import { describe, expect, it } from 'vitest';
import { doc, errorsOf, P, pathsAndCodes, pipeline, validOf } from './helpers.js';

const nodes = {
  gen: { type: 'receiver:traffic_generator', config: { data_source: 'synthetic', traffic_config: { signals_per_second: 100, log_weight: 1 } } },
  batch: { type: 'processor:batch' },
  sink: { type: 'exporter:noop' },
  console: { type: 'exporter:console' },
};
const withConnections = (connections: unknown[], extra: Record<string, unknown> = {}) =>
  doc({ main: pipeline({ nodes: { ...nodes, ...extra }, connections }) });

describe('node types and configs', () => {
  it('says an unknown type is not supported and lists the supported ones of its kind', () => {
    const [error] = errorsOf(doc({ main: pipeline({ nodes: { gen: { type: 'receiver:kafka' }, sink: { type: 'exporter:noop' } } }) }));
    expect(error).toMatchObject({ path: `${P}.nodes.gen.type`, code: 'UnknownNodeType' });
    expect(error?.message).toMatch(/^urn:otel:receiver:kafka is not supported by this engine \(supported receivers: /);
    expect(error?.message).toContain('urn:otel:receiver:otlp');
    expect(error?.message).not.toContain('exporter:noop');
  });
  it('checks node configs with the full path and applies defaults', () => {
    const bad = { type: 'receiver:otlp', config: { protocols: { grpc: { listening_addr: '127.0.0.1:0', max_recv: 1 } } } };
    expect(pathsAndCodes(errorsOf(doc({ main: pipeline({ nodes: { gen: bad, sink: { type: 'exporter:noop' } } }) })))).toEqual([
      [`${P}.nodes.gen.config.protocols.grpc.max_recv`, 'UnknownField'],
    ]);
    const good = validOf(doc({ main: pipeline({ nodes: { gen: { type: 'urn:otel:otlp:receiver', config: { protocols: { http: { listening_addr: '127.0.0.1:0' } } } }, sink: { type: 'exporter:noop' } } }) }));
    expect(good.pipelines[0]?.nodes[0]).toMatchObject({
      name: 'gen',
      urn: 'urn:otel:receiver:otlp',
      kind: 'receiver',
      config: { protocols: { http: { listening_addr: '127.0.0.1:0', max_request_body_size: 4 * 1024 * 1024 } } },
    });
  });
});

describe('connections', () => {
  it('flattens lists into sorted edges with the default port; several targets compete (one_of) by default', () => {
    const result = validOf(withConnections([{ from: ['gen'], to: 'batch' }, { from: 'batch', to: ['sink', 'console'] }]));
    expect(result.pipelines[0]?.edges).toEqual([
      { from: 'batch', port: 'default', to: 'console', oneOf: ['console', 'sink'] },
      { from: 'batch', port: 'default', to: 'sink', oneOf: ['console', 'sink'] },
      { from: 'gen', port: 'default', to: 'batch' },
    ]);
  });
  it('dispatch broadcast sends every message to every target', () => {
    const broadcast = { from: 'batch', to: ['sink', 'console'], policies: { dispatch: 'broadcast' } };
    const result = validOf(withConnections([{ from: 'gen', to: 'batch' }, broadcast]));
    expect(result.pipelines[0]?.edges).toEqual([
      { from: 'batch', port: 'default', to: 'console' },
      { from: 'batch', port: 'default', to: 'sink' },
      { from: 'gen', port: 'default', to: 'batch' },
    ]);
    const bad = { from: 'batch', to: ['sink', 'console'], policies: { dispatch: 'all' } };
    expect(pathsAndCodes(errorsOf(withConnections([{ from: 'gen', to: 'batch' }, bad])))).toEqual([
      [`${P}.connections[1].policies.dispatch`, 'InvalidValue'],
    ]);
  });
  it('node-level outputs limit the ports connections may name; default_output must be one of them', () => {
    const batchWith = (fields: Record<string, unknown>) => ({ batch: { type: 'processor:batch', ...fields } });
    const routed = [{ from: 'gen', to: 'batch' }, { from: 'batch["main"]', to: ['sink', 'console'] }];
    const valid = validOf(withConnections(routed, batchWith({ outputs: ['main'] })));
    expect(valid.pipelines[0]?.nodes.find((n) => n.name === 'batch')?.defaultOutput).toBe('main');
    const badDefault = withConnections(routed, batchWith({ outputs: ['main', 'spare'], default_output: 'other' }));
    expect(pathsAndCodes(errorsOf(badDefault))).toEqual([[`${P}.nodes.batch.default_output`, 'UnknownPort']]);
    const undeclared = [{ from: 'gen', to: 'batch' }, { from: 'batch["nope"]', to: ['sink', 'console'] }];
    expect(pathsAndCodes(errorsOf(withConnections(undeclared, batchWith({ outputs: ['main'] }))))).toEqual([
      [`${P}.connections[1].from`, 'UnknownPort'],
    ]);
  });
  it('accepts the default port spelled out and refuses undeclared ports', () => {
    expect(validOf(withConnections([{ from: 'gen', to: 'batch' }, { from: 'batch["default"]', to: ['sink', 'console'] }])).ok).toBe(true);
    expect(pathsAndCodes(errorsOf(withConnections([{ from: 'gen', to: 'batch' }, { from: "batch['logs']", to: ['sink', 'console'] }])))).toEqual([
      [`${P}.connections[1].from`, 'UnknownPort'],
    ]);
  });
  it('names unknown nodes, exporters as sources and receivers as targets', () => {
    const errors = errorsOf(
      withConnections([
        { from: 'gen', to: ['batch', 'nope'] },
        { from: ['batch', 'sink'], to: 'console' },
        { from: 'batch', to: ['sink', 'gen'] },
      ]),
    );
    expect(pathsAndCodes(errors)).toEqual([
      [`${P}.connections[0].to[1]`, 'UnknownNode'],
      [`${P}.connections[1].from[1]`, 'ExporterAsSource'],
      [`${P}.connections[2].to[1]`, 'ReceiverAsTarget'],
    ]);
  });
  it('finds cycles, including self loops', () => {
    const errors = errorsOf(withConnections([{ from: 'gen', to: 'batch' }, { from: 'batch', to: ['sink', 'batch'] }, { from: 'batch', to: 'console' }]));
    expect(pathsAndCodes(errors)).toEqual([[`${P}.connections[1]`, 'Cycle']]);
    expect(errors[0]?.message).toContain('batch -> batch');
    const two = errorsOf(
      withConnections([{ from: 'gen', to: 'batch' }, { from: 'batch', to: 'b2' }, { from: 'b2', to: 'batch' }, { from: 'b2', to: ['sink', 'console'] }], {
        b2: { type: 'processor:batch' },
      }),
    );
    expect(pathsAndCodes(two)).toEqual([[`${P}.connections[2]`, 'Cycle']]);
  });
  it('requires a receiver, an exporter and every node connected', () => {
    const onlyProcessors = doc({ main: pipeline({ nodes: { a: { type: 'processor:batch' }, b: { type: 'processor:batch' } }, connections: [{ from: 'a', to: 'b' }] }) });
    expect(pathsAndCodes(errorsOf(onlyProcessors))).toEqual([
      [`${P}.nodes`, 'NoExporter'],
      [`${P}.nodes`, 'NoReceiver'],
    ]);
    expect(pathsAndCodes(errorsOf(withConnections([{ from: 'gen', to: ['batch'] }, { from: 'batch', to: 'sink' }])))).toEqual([
      [`${P}.nodes.console`, 'UnconnectedNode'],
    ]);
  });
});

describe('extensions and capabilities', () => {
  const base = (capabilities: Record<string, string>, extensions: Record<string, unknown> = {}) =>
    doc({
      main: pipeline({
        extensions,
        nodes: {
          gen: { type: 'receiver:traffic_generator', config: { data_source: 'synthetic', traffic_config: { signals_per_second: 100, log_weight: 1 } } },
          sink: { type: 'exporter:otlp_http', config: { endpoint: 'http://127.0.0.1:4318' }, capabilities },
        },
      }),
    });
  it('resolves capabilities against the pipeline extensions', () => {
    const result = validOf(base({ bearer_token_provider: 'token' }, { token: { type: 'urn:otel:static_bearer_token:extension', config: { token: 'x' } } }));
    expect(result.pipelines[0]?.extensions).toEqual([{ name: 'token', urn: 'urn:otel:extension:static_bearer_token', config: { token: 'x' } }]);
  });
  it('reports a missing extension at the capability', () => {
    expect(pathsAndCodes(errorsOf(base({ bearer_token_provider: 'token' })))).toEqual([
      [`${P}.nodes.sink.capabilities.bearer_token_provider`, 'ExtensionNotFound'],
    ]);
  });
  it('refuses non-extension types under extensions', () => {
    expect(pathsAndCodes(errorsOf(base({}, { x: { type: 'receiver:otlp' } })))).toEqual([[`${P}.extensions.x.type`, 'InvalidExtensionType']]);
  });
});
