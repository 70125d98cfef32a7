// Upstream's document structure: what is honoured, what is accepted with a warning, what is refused with a reason.
import { describe, expect, it } from 'vitest';
import { validateEngineConfig } from '../../src/config/index.js';
import { doc, errorsOf, P, pathsAndCodes, pipeline, validOf } from './helpers.js';
import { builtinCatalog } from '../../src/nodes/catalog.js';
import { opampExtensions } from '../../src/config/controller.js';

const GEN = { type: 'receiver:traffic_generator', config: { traffic_config: { log_weight: 1 } } };

const warningsOf = (raw: unknown) => validOf(raw).warnings.map((w) => [w.path, w.message]);

describe('policies', () => {
  it('accepts upstream control-channel sizes and Tokio settings with a warning that names the field', () => {
    const policies = {
      channel_capacity: { control: { node: 256, pipeline: 256, completion: 64 }, pdata: 128 },
      telemetry: { pipeline_metrics: true, tokio_metrics: true, runtime_metrics: 'basic' },
    };
    const warnings = warningsOf(doc(undefined, { policies }));
    expect(warnings.map(([path]) => path)).toEqual([
      'policies.channel_capacity.control',
      'policies.telemetry.pipeline_metrics',
      'policies.telemetry.runtime_metrics',
      'policies.telemetry.tokio_metrics',
    ]);
    expect(warnings[3]?.[1]).toMatch(/^has no effect in this engine: .*Tokio/);
  });
  it('refuses bad values in warned fields like any other', () => {
    const policies = { channel_capacity: { control: { node: 0 } }, telemetry: { runtime_metrics: 'verbose' } };
    expect(pathsAndCodes(errorsOf(doc(undefined, { policies })))).toEqual([
      ['policies.channel_capacity.control.node', 'InvalidValue'],
      ['policies.telemetry.runtime_metrics', 'InvalidValue'],
    ]);
  });
  it('refuses what it cannot honour, saying why', () => {
    const policies = { transport_headers: { header_capture: {} }, resources: { memory_limiter: { mode: 'enforce' } } };
    const errors = errorsOf(doc(undefined, { policies }));
    expect(errors.map((e) => [e.path, e.message])).toEqual([
      ['policies.resources.memory_limiter', expect.stringMatching(/^is not supported by this engine: .*processor:memory_limiter/)],
      ['policies.transport_headers', expect.stringMatching(/^is not supported by this engine: /)],
    ]);
  });
  it('takes core_allocation.strategy as upstream spells it, and count 0 as every core', () => {
    const strategy = { resources: { core_allocation: { strategy: 'core_count', count: 0 } } };
    expect(validOf(doc({ main: pipeline({ policies: strategy }) }), [0, 1, 2]).pipelines[0]?.cores).toEqual([0, 1, 2]);
    const both = { resources: { core_allocation: { strategy: 'core_count', type: 'all_cores', count: 1 } } };
    expect(pathsAndCodes(errorsOf(doc({ main: pipeline({ policies: both }) })))).toEqual([
      [`${P}.policies.resources.core_allocation`, 'InvalidValue'],
    ]);
  });
  it('resolves upstream health quorums and phases', () => {
    const health = { ready_quorum: { AtLeast: 1 }, ready_if: ['Running'], live_quorum: { Percent: 50 } };
    const resolved = validOf(doc({ main: pipeline({ policies: { health } }) })).pipelines[0]?.policies.health;
    expect(resolved).toMatchObject({ readyQuorum: { AtLeast: 1 }, readyIf: ['Running'], liveQuorum: { Percent: 50 } });
    expect(resolved?.liveIf).toContain('Failed');
    const bad = { ready_quorum: { AtLeast: 1, Percent: 5 }, ready_if: ['Sleeping'] };
    expect(pathsAndCodes(errorsOf(doc({ main: pipeline({ policies: { health: bad } }) }))).map(([path]) => path)).toEqual([
      `${P}.policies.health.ready_if[0]`,
      `${P}.policies.health.ready_quorum`,
    ]);
  });
});

describe('a file judged on its own (--validate-and-exit)', () => {
  it('warns about cores this machine lacks instead of refusing, and plans as if they were there', () => {
    const raw = doc({ main: pipeline({ policies: { resources: { core_allocation: { type: 'core_set', set: [{ start: 4, end: 5 }] } } } }) });
    const judged = validateEngineConfig(raw, { catalog: builtinCatalog, availableCores: [0, 1], coreCheck: 'warn' });
    expect(judged.ok).toBe(true);
    if (!judged.ok) return;
    expect(judged.pipelines[0]?.cores).toEqual([4, 5]);
    expect(judged.warnings).toEqual([
      { path: `${P}.policies.resources.core_allocation`, message: expect.stringContaining('cannot start on this machine') },
    ]);
    expect(pathsAndCodes(errorsOf(raw))).toEqual([[`${P}.policies.resources.core_allocation`, 'CoreAllocationUnmet']]);
  });
  it('reports node problems of well-formed pipelines even when another part of the file is wrong', () => {
    const raw = doc(
      { main: pipeline({ nodes: { gen: { type: 'receiver:kafka' }, sink: { type: 'exporter:parquet' } } }), other: { nodes: 7 } },
      { engine: { http_admin: { bind: 'x' } } },
    );
    expect(pathsAndCodes(errorsOf(raw))).toEqual([
      ['engine.http_admin.bind', 'UnknownField'],
      [`${P}.nodes.gen.type`, 'UnknownNodeType'],
      [`${P}.nodes.sink.type`, 'UnknownNodeType'],
      ['groups.default.pipelines.other.connections', 'MissingField'],
      ['groups.default.pipelines.other.nodes', 'InvalidValue'],
    ]);
    expect(errorsOf(raw)[2]?.message).toMatch(/^urn:otel:exporter:parquet is not supported by this engine/);
  });
});

describe('groups, pipelines, nodes', () => {
  it('refuses topics with the reason', () => {
    const raw = doc();
    raw.groups.default.topics = { t: { policies: {} } };
    expect(errorsOf(raw).map((e) => [e.path, e.message])).toEqual([
      ['groups.default.topics', expect.stringMatching(/^is not supported by this engine: topics/)],
    ]);
  });
  it('accepts a pipeline type with a warning and refuses an unknown one', () => {
    expect(warningsOf(doc({ main: pipeline({ type: 'otap' }) }))).toEqual([[`${P}.type`, expect.stringContaining('OTLP')]]);
    expect(pathsAndCodes(errorsOf(doc({ main: pipeline({ type: 'arrow' }) })))).toEqual([[`${P}.type`, 'InvalidValue']]);
  });
  it('keeps entity identity attributes (value only) on the effective node', () => {
    const entity = { extend: { identity_attributes: { team: { value: 'platform', brief: 'owner' }, seq: 2 } } };
    const nodes = { gen: { ...GEN, entity }, sink: { type: 'exporter:noop' } };
    expect(validOf(doc({ main: pipeline({ nodes }) })).pipelines[0]?.nodes.find((n) => n.name === 'gen')?.identity).toEqual({
      team: 'platform',
      seq: 2,
    });
  });
  it('refuses node features it cannot honour', () => {
    const nodes = { gen: { ...GEN, rate_limiters: ['a'] }, sink: { type: 'exporter:noop', header_propagation: {} } };
    expect(pathsAndCodes(errorsOf(doc({ main: pipeline({ nodes }) })))).toEqual([
      [`${P}.nodes.gen.rate_limiters`, 'InvalidValue'],
      [`${P}.nodes.sink.header_propagation`, 'InvalidValue'],
    ]);
  });
});

describe('engine.controller and processor:durable_buffer', () => {
  const opamp = (config: Record<string, unknown>) => ({ engine: { controller: { extensions: { opamp: { type: 'urn:otel:extension:opamp', config } } } } });
  it('validates the OpAMP extension field by field with upstream defaults, and runs it', () => {
    const good = doc(undefined, opamp({ endpoint: 'ws://127.0.0.1:4320/v1/opamp', heartbeat_interval: '5s' }));
    const judged = validateEngineConfig(good, { catalog: builtinCatalog, availableCores: [0, 1] });
    expect(judged.ok && judged.warnings).toEqual([]);
    const extension = judged.ok ? opampExtensions(judged.config)[0] : undefined;
    expect(extension?.config).toMatchObject({
      heartbeat_interval: '5000ms',
      shutdown_timeout: '2000ms',
      connect_retry: { initial: '250ms', max: '15000ms', factor: 2 },
      reconcile: { step_timeout_secs: 10, drain_timeout_secs: 10, delete_timeout_secs: 10, delete_missing: true },
      remote_config_key: '',
    });
    const bad = opamp({ endpoint: 'ftp://127.0.0.1:4320/v1/opamp', instance_uid: 'nope', colour: 1, heartbeat_interval: '0s' });
    expect(errorsOf(doc(undefined, bad)).map((e) => [e.path, e.code])).toEqual([
      ['engine.controller.extensions.opamp.config.colour', 'UnknownField'],
      ['engine.controller.extensions.opamp.config.endpoint', 'InvalidValue'],
      ['engine.controller.extensions.opamp.config.heartbeat_interval', 'InvalidValue'],
      ['engine.controller.extensions.opamp.config.instance_uid', 'InvalidValue'],
    ]);
    const other = { engine: { controller: { extensions: { x: { type: 'extension:vault' } } } } };
    expect(errorsOf(doc(undefined, other))[0]?.message).toMatch(/^urn:otel:extension:vault is not supported by this engine/);
  });
  it('takes every transport, and TLS and a token beside upstream\'s fields, checking they fit the endpoint', () => {
    for (const endpoint of ['ws://h:1/v1/opamp', 'wss://h:1/v1/opamp', 'http://h:1/v1/opamp', 'https://h:1/v1/opamp']) {
      expect(validOf(doc(undefined, opamp({ endpoint }))).warnings, endpoint).toEqual([]);
    }
    const tlsOnPlain = opamp({ endpoint: 'http://h:1/v1/opamp', tls: { ca_file: '/ca.pem', cert_file: '/c.pem' } });
    expect(errorsOf(doc(undefined, tlsOnPlain)).map((e) => [e.path, e.message])).toEqual([
      ['engine.controller.extensions.opamp.config.tls', expect.stringMatching(/needs both cert_file and key_file/)],
    ]);
    const plain = opamp({ endpoint: 'ws://h:1/v1/opamp', tls: { ca_file: '/ca.pem' } });
    expect(errorsOf(doc(undefined, plain))[0]?.message).toMatch(/applies only to wss:\/\/ and https:\/\/ endpoints/);
    const noTrust = opamp({ endpoint: 'wss://h:1/v1/opamp', tls: { include_system_ca_certs_pool: false } });
    expect(errorsOf(doc(undefined, noTrust))[0]?.message).toMatch(/trusts no certificate authority/);
    const both = opamp({ endpoint: 'wss://h:1/v1/opamp', auth: { bearer_token: 'a', bearer_token_file: '/t' } });
    expect(pathsAndCodes(errorsOf(doc(undefined, both)))).toEqual([['engine.controller.extensions.opamp.config.auth', 'InvalidValue']]);
    const clear = opamp({ endpoint: 'ws://fleet.example:4320/v1/opamp', auth: { bearer_token: 'sekret-value' } });
    const warnings = warningsOf(doc(undefined, clear));
    expect(warnings).toEqual([['engine.controller.extensions.opamp.config.auth', expect.stringMatching(/travels in clear text to fleet\.example:4320/)]]);
    expect(JSON.stringify(warnings)).not.toContain('sekret-value');
  });
  it('validates processor:durable_buffer with upstream defaults, and refuses to run it', () => {
    const nodes = {
      gen: GEN,
      buffer: { type: 'processor:durable_buffer', config: { path: '/tmp/buffer', retention_size_cap: '192 MiB', max_age: '72h', otlp_handling: 'convert_to_arrow' } },
      sink: { type: 'exporter:noop' },
    };
    const raw = doc({ main: pipeline({ nodes, connections: [{ from: 'gen', to: 'buffer' }, { from: 'buffer', to: 'sink' }] }) });
    expect(pathsAndCodes(errorsOf(raw))).toEqual([[`${P}.nodes.buffer.type`, 'NodeUnavailable']]);
    const result = validateEngineConfig(raw, { catalog: builtinCatalog, availableCores: [0, 1], coreCheck: 'warn' });
    if (!result.ok) throw new Error('expected the file alone to be valid');
    expect(result.pipelines[0]?.nodes.find((n) => n.name === 'buffer')?.config).toMatchObject({
      retention_size_cap: 192 * 1024 * 1024,
      size_cap_policy: 'backpressure',
      poll_interval: '100ms',
      max_age: '259200000ms',
      max_in_flight: 1000,
    });
    expect(result.warnings.map((w) => w.path)).toEqual([`${P}.nodes.buffer.config.otlp_handling`, `${P}.nodes.buffer.type`]);
  });
});
