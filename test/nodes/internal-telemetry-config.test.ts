// engine.telemetry, engine.observability and receiver:internal_telemetry: upstream's fields are accepted as upstream
// writes them, values we cannot honour are errors that say why, and the observability pipeline is checked like any
// pipeline plus upstream's own rules (one connected internal receiver, logs on when a provider uses `its`).
import { describe, expect, it } from 'vitest';
import { doc, errorsOf, pathsAndCodes, validOf, type Doc } from '../config/helpers.js';
import { internalTelemetryReceiver } from '../../src/nodes/receivers/internal-telemetry/descriptor.js';
import { resolveTelemetrySettings } from '../../src/config/telemetry-settings.js';
import { parseLevelDirective } from '../../src/config/log-level.js';
import { checkObservability } from '../../src/config/observability.js';
import { builtinCatalog } from '../../src/nodes/catalog.js';

const OBS = 'engine.observability.pipeline';

function observability(pipeline: Doc | undefined, telemetry?: Doc): Doc {
  return doc(undefined, { engine: { ...(telemetry ? { telemetry } : {}), observability: pipeline === undefined ? {} : { pipeline } } });
}

const toConsole: Doc = {
  nodes: { itr: { type: 'receiver:internal_telemetry', config: {} }, out: { type: 'exporter:console', config: {} } },
  connections: [{ from: 'itr', to: 'out' }],
};

describe('engine.telemetry', () => {
  it("accepts upstream's fields as its example configs write them", () => {
    const result = validOf(
      doc(undefined, {
        engine: {
          telemetry: {
            reporting_channel_size: 150,
            reporting_interval: '3s',
            logs: {
              level: 'info',
              providers: { global: 'its', engine: 'console_async', internal: 'console_direct', admin: 'noop' },
              tap: { enabled: true, max_entries: 10, max_bytes: 1000 },
            },
            resource: { 'service.id': 1234, 'service.name': 'test', flag: true, ratio: 0.5, tags: ['a', 'b'] },
            detectors: ['service_instance', 'env', 'service_name', 'host'],
          },
        },
      }),
    );
    const settings = resolveTelemetrySettings(result.config.engine?.telemetry, undefined);
    expect(settings).toMatchObject({ level: 'info', levelFrom: 'config', reportingChannelSize: 150, reportingIntervalMs: 3000 });
    expect(settings.providers).toEqual({ global: 'its', engine: 'console_async', internal: 'console_direct', admin: 'noop' });
    expect(settings.tap).toEqual({ maxEntries: 10, maxBytes: 1000 });
    // Off by default, as upstream; on with upstream's bounds when only enabled.
    expect(resolveTelemetrySettings(undefined, undefined).tap).toBeNull();
    expect(resolveTelemetrySettings({ logs: { tap: { enabled: true } } }, undefined).tap).toEqual({ maxEntries: 2048, maxBytes: 16 * 1024 * 1024 });
  });

  it("applies upstream's defaults, and --log-level wins over logs.level", () => {
    const settings = resolveTelemetrySettings(undefined, undefined);
    expect(settings).toMatchObject({ level: 'info', levelFrom: 'default', reportingChannelSize: 100, reportingIntervalMs: 1000 });
    expect(settings.providers).toEqual({ global: 'console_direct', engine: 'console_direct', internal: 'noop', admin: 'console_direct' });
    expect(settings.detectors).toEqual(['service_instance', 'env', 'service_name']);
    expect(resolveTelemetrySettings({ logs: { level: 'debug' } }, 'warn')).toMatchObject({ level: 'warn', levelFrom: 'cli' });
    expect(resolveTelemetrySettings({ logs: { level: 'off' } }, undefined).level).toBe('silent');
  });

  it('takes level directives: the bare level acts, target directives are reported as having no effect', () => {
    expect(parseLevelDirective('info,h2=off,hyper=off')).toEqual({ ok: true, level: 'info', explicitLevel: true, targets: ['h2=off', 'hyper=off'] });
    expect(parseLevelDirective('WARN')).toMatchObject({ ok: true, level: 'warn', targets: [] });
    expect(parseLevelDirective('info,[')).toMatchObject({ ok: false });
    expect(parseLevelDirective('h2=loud')).toMatchObject({ ok: false });
    const result = validOf(doc(undefined, { engine: { telemetry: { logs: { level: 'debug,h2=off' } } } }));
    expect(result.warnings).toEqual([expect.objectContaining({ path: 'engine.telemetry.logs.level', message: expect.stringContaining('h2=off') })]);
  });

  it('refuses what it cannot honour, each with its reason', () => {
    const errors = errorsOf(
      doc(undefined, {
        engine: {
          telemetry: {
            reporting_interval: '0s',
            reporting_channel_size: 0,
            logs: { level: 'info,[', providers: { internal: 'its', global: 'loud' }, tap: { enabled: true, max_entries: -1 } },
            resource: { mixed: ['a', 1], nested: { a: 1 } },
            detectors: ['k8s', 'telepathy'],
            metrics: { readers: [] },
          },
        },
      }),
    );
    const byPath = Object.fromEntries(errors.map((e) => [e.path, e.message]));
    expect(Object.keys(byPath).sort()).toEqual(
      [
        'engine.telemetry.detectors[0]',
        'engine.telemetry.detectors[1]',
        'engine.telemetry.logs.level',
        'engine.telemetry.logs.providers.global',
        'engine.telemetry.logs.tap.max_entries',
        'engine.telemetry.metrics',
        'engine.telemetry.reporting_channel_size',
        'engine.telemetry.reporting_interval',
        'engine.telemetry.resource.mixed',
        'engine.telemetry.resource.nested',
      ].sort(),
    );
    expect(byPath['engine.telemetry.detectors[0]']).toMatch(/k8s resource detector is not implemented/);
    expect(byPath['engine.telemetry.reporting_interval']).toMatch(/greater than zero/);
    // The provider rule needs a valid object to judge: alone, it names the loop it prevents.
    const loop = errorsOf(doc(undefined, { engine: { telemetry: { logs: { providers: { internal: 'console_async' } } } } }));
    expect(loop).toEqual([expect.objectContaining({ path: 'engine.telemetry.logs.providers', message: expect.stringMatching(/feed its own logs back/) })]);
    const admin = errorsOf(doc(undefined, { engine: { telemetry: { logs: { providers: { admin: 'console_async' } } } } }));
    expect(admin[0]?.message).toMatch(/admin cannot be console_async/);
  });

  it('warns that logs routed to its go to the console when there is no observability pipeline', () => {
    const result = validOf(doc(undefined, { engine: { telemetry: { logs: { providers: { engine: 'its' } } } } }));
    expect(result.warnings.map((w) => w.path)).toEqual(['engine.telemetry.logs.providers.engine']);
  });
});

describe('engine.observability', () => {
  it('validates a pipeline of its own and leaves the regular ones as they are', () => {
    const result = validOf(observability(toConsole));
    expect(result.pipelines.map((p) => `${p.group}/${p.pipeline}`)).toEqual(['default/main']);
    const check = checkObservability(result.config, { catalog: builtinCatalog, availableCores: [0, 1, 2] });
    expect(check.effective).toMatchObject({ group: 'system', pipeline: 'observability', cores: [2] });
  });

  it("installs upstream's built-in pipeline when only engine.observability is given", () => {
    const result = validOf(observability(undefined));
    const check = checkObservability(result.config, { catalog: builtinCatalog, availableCores: [0, 1] });
    expect(check.effective?.nodes.map((n) => n.urn).sort()).toEqual([
      'urn:otel:exporter:console',
      'urn:otel:exporter:noop',
      'urn:otel:processor:type_router',
      'urn:otel:receiver:internal_telemetry',
    ]);
  });

  it('checks its nodes and connections as a pipeline, under its own paths', () => {
    const errors = errorsOf(
      observability({
        nodes: { ...toConsole.nodes, stray: { type: 'exporter:noop' }, bad: { type: 'exporter:nonesuch' } },
        connections: [...toConsole.connections, { from: 'out', to: 'itr' }],
      }),
    );
    expect(pathsAndCodes(errors)).toEqual(
      expect.arrayContaining([
        [`${OBS}.nodes.bad.type`, 'UnknownNodeType'],
        [`${OBS}.nodes.stray`, 'UnconnectedNode'],
        [`${OBS}.connections[1].from`, 'ExporterAsSource'],
      ]),
    );
  });

  it("takes the pipeline policies upstream allows there and refuses resources and runtime_recovery", () => {
    const valid = validOf(observability({ ...toConsole, policies: { channel_capacity: { pdata: 64 }, health: { ready_quorum: { Percent: 50 } } } }));
    expect(valid.warnings).toEqual([expect.objectContaining({ path: `${OBS}.policies.health`, message: expect.stringMatching(/no effect/) })]);
    expect(checkObservability(valid.config, { catalog: builtinCatalog, availableCores: [0] }).effective?.policies.channelCapacity.pdata).toBe(64);
    const errors = errorsOf(
      observability({
        ...toConsole,
        policies: { resources: { core_allocation: { type: 'all_cores' } }, runtime_recovery: { enabled: false } },
      }),
    );
    expect(errors.map((e) => e.path).sort()).toEqual([`${OBS}.policies.resources`, `${OBS}.policies.runtime_recovery`]);
    expect(errors[0]?.message).toMatch(/not supported on the observability pipeline/);
  });

  it('needs exactly one internal telemetry receiver, reaching an exporter', () => {
    const none = errorsOf(observability({ nodes: { gen: { type: 'receiver:traffic_generator', config: { traffic_config: { log_weight: 1 } } }, out: { type: 'exporter:noop' } }, connections: [{ from: 'gen', to: 'out' }] }));
    expect(none.map((e) => e.message)).toContain('engine.observability.pipeline needs exactly one receiver:internal_telemetry; found 0');
    const two = errorsOf(
      observability({
        nodes: { a: { type: 'receiver:internal_telemetry' }, b: { type: 'urn:otel:receiver:internal_telemetry' }, out: { type: 'exporter:noop' } },
        connections: [{ from: ['a', 'b'], to: 'out' }],
      }),
    );
    expect(two.map((e) => e.message)).toContain('engine.observability.pipeline needs exactly one receiver:internal_telemetry; found 2');
    const deadEnd = errorsOf(
      observability({
        nodes: { itr: { type: 'receiver:internal_telemetry' }, batch: { type: 'processor:batch' }, gen: { type: 'receiver:traffic_generator', config: { traffic_config: { log_weight: 1 } } }, out: { type: 'exporter:noop' } },
        connections: [
          { from: 'itr', to: 'batch' },
          { from: 'gen', to: 'out' },
        ],
      }),
    );
    expect(pathsAndCodes(deadEnd)).toEqual([[`${OBS}.nodes.itr`, 'InvalidValue']]);
    const empty = errorsOf(observability({ nodes: {} }));
    expect(empty.map((e) => [e.path, e.message])).toContainEqual([`${OBS}.nodes`, '"nodes" must not be empty']);
  });

  it('needs logs from the receiver while a provider routes logs to it', () => {
    const metricsOnly = { ...toConsole, nodes: { ...toConsole.nodes, itr: { type: 'receiver:internal_telemetry', config: { signals: ['metrics'] } } } };
    validOf(observability(metricsOnly));
    const errors = errorsOf(observability(metricsOnly, { logs: { providers: { global: 'its', admin: 'its' } } }));
    expect(errors).toEqual([
      expect.objectContaining({ path: `${OBS}.nodes.itr.config.signals`, message: 'signals must include logs while engine.telemetry.logs.providers global, admin are its' }),
    ]);
  });

  it('refuses the receiver in a regular pipeline: only the observability pipeline has its input', () => {
    const errors = errorsOf(
      doc({ main: { nodes: { itr: { type: 'receiver:internal_telemetry' }, out: { type: 'exporter:noop' } }, connections: [{ from: 'itr', to: 'out' }] } }),
    );
    expect(errors).toEqual([expect.objectContaining({ path: 'groups.default.pipelines.main.nodes.itr.type', message: expect.stringMatching(/belongs in engine.observability.pipeline/) })]);
  });
});

describe('receiver:internal_telemetry config', () => {
  const schema = internalTelemetryReceiver.configSchema;

  it("has upstream's fields and defaults", () => {
    expect(schema.validate({}).value).toEqual({ signals: ['logs', 'metrics'], metrics: { views: [] } });
    const view = {
      selector: { scope_name: 'engine', scope_attributes: { 'pipeline.group.id': 'a', 'core.id': 0 }, instrument_name: 'memory.rss' },
      stream: { name: 'process_memory_usage', description: 'Resident memory.' },
    };
    const { value, error } = schema.validate({ signals: ['metrics'], metrics: { interval: '2s', views: [view] } });
    expect(error).toBeUndefined();
    expect(value).toEqual({ signals: ['metrics'], metrics: { interval: '2000ms', views: [view] } });
  });

  it("refuses what upstream refuses", () => {
    const message = (config: unknown) => schema.validate(config, { abortEarly: false }).error?.message;
    expect(message({ signals: [] })).toMatch(/must not be empty/);
    expect(message({ signals: ['logs', 'logs'] })).toMatch(/more than once/);
    expect(message({ signals: ['traces'] })).toMatch(/must be one of/);
    expect(message({ metrics: null })).toMatch(/must be of type object/);
    expect(message({ metrics: { interval: '0ms' } })).toMatch(/greater than zero/);
    expect(message({ metrics: { views: [{ selector: { scope_attributes: { k: ['a'] } }, stream: {} }] } })).toMatch(/scalar/);
    expect(message({ metrics: { views: [{ selector: {}, stream: {}, extra: 1 }] } })).toMatch(/not allowed/);
    expect(message({ unknown: true })).toMatch(/not allowed/);
  });
});
