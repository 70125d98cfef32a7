import { describe, expect, it } from 'vitest';
import { doc, errorsOf, P, pathsAndCodes, pipeline, validOf } from './helpers.js';

describe('document schema', () => {
  it('accepts the smallest document', () => {
    expect(validOf(doc()).pipelines).toHaveLength(1);
  });
  it('refuses unknown fields at every level', () => {
    const raw = doc(
      { main: { ...pipeline({ extra: 1 }), nodes: { gen: { type: 'receiver:traffic_generator', colour: 'red' }, sink: { type: 'exporter:noop' } } } },
      { colour: 'blue', engine: { http_admin: { bind_address: '127.0.0.1:0', tls_mode: true } } },
    );
    expect(pathsAndCodes(errorsOf(raw))).toEqual([
      ['colour', 'UnknownField'],
      ['engine.http_admin.tls_mode', 'UnknownField'],
      [`${P}.extra`, 'UnknownField'],
      [`${P}.nodes.gen.colour`, 'UnknownField'],
    ]);
  });
  it('requires version otel_dataflow/v1', () => {
    expect(pathsAndCodes(errorsOf({ ...doc(), version: 'otel_dataflow/v2' }))).toEqual([['version', 'UnsupportedVersion']]);
    const { version: _v, ...unversioned } = doc();
    expect(pathsAndCodes(errorsOf(unversioned))).toEqual([['version', 'MissingField']]);
  });
  it('reserves the group name system', () => {
    const raw = { version: 'otel_dataflow/v1', groups: { system: { pipelines: { main: pipeline() } } } };
    expect(pathsAndCodes(errorsOf(raw))).toEqual([['groups.system', 'ReservedGroup']]);
  });
  it('checks every policy family', () => {
    const policies = {
      resources: { core_allocation: { type: 'some_cores' } },
      channel_capacity: { pdata: 0 },
      health: { ready_quorum: { Percent: 101 } },
      runtime_recovery: { enabled: 'maybe', max_restarts: -1, initial_backoff: '250', max_backoff: 30, reset_after: 'soon' },
    };
    expect(pathsAndCodes(errorsOf(doc({ main: pipeline({ policies }) })))).toEqual([
      [`${P}.policies.channel_capacity.pdata`, 'InvalidValue'],
      [`${P}.policies.health.ready_quorum.Percent`, 'InvalidValue'],
      [`${P}.policies.resources.core_allocation.type`, 'InvalidValue'],
      [`${P}.policies.runtime_recovery.enabled`, 'InvalidValue'],
      [`${P}.policies.runtime_recovery.initial_backoff`, 'InvalidValue'],
      [`${P}.policies.runtime_recovery.max_backoff`, 'InvalidValue'],
      [`${P}.policies.runtime_recovery.max_restarts`, 'InvalidValue'],
      [`${P}.policies.runtime_recovery.reset_after`, 'InvalidValue'],
    ]);
  });
  it('ties core allocation fields to their type', () => {
    const at = (core_allocation: unknown) => doc(undefined, { policies: { resources: { core_allocation } } });
    expect(pathsAndCodes(errorsOf(at({ type: 'core_count' })))).toEqual([['policies.resources.core_allocation.count', 'MissingField']]);
    expect(pathsAndCodes(errorsOf(at({ type: 'all_cores', count: 2 })))).toEqual([['policies.resources.core_allocation.count', 'UnknownField']]);
    expect(pathsAndCodes(errorsOf(at({ type: 'core_set', set: [{ start: 1, end: 0 }] })))).toEqual([
      ['policies.resources.core_allocation.set[0].end', 'InvalidValue'],
    ]);
    expect(validOf(at({ type: 'core_set', set: [{ start: 0, end: 1 }] })).pipelines[0]?.cores).toEqual([0, 1]);
  });
  it('checks the admin bind address', () => {
    const raw = doc(undefined, { engine: { http_admin: { bind_address: 'localhost' } } });
    const errors = pathsAndCodes(errorsOf(raw));
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) expect(error).toEqual(['engine.http_admin.bind_address', 'InvalidValue']);
  });
  it('reports a non-map document at (root)', () => {
    expect(pathsAndCodes(errorsOf(null))).toEqual([['(root)', 'InvalidValue']]);
    expect(pathsAndCodes(errorsOf(['a']))).toEqual([['(root)', 'InvalidValue']]);
  });
  it('requires groups, pipelines, nodes and connections', () => {
    expect(pathsAndCodes(errorsOf({ version: 'otel_dataflow/v1' }))).toEqual([['groups', 'MissingField']]);
    expect(pathsAndCodes(errorsOf(doc({ main: {} })))).toEqual([
      [`${P}.connections`, 'MissingField'],
      [`${P}.nodes`, 'MissingField'],
    ]);
  });
  it('accepts an empty group for the admin API to fill', () => {
    expect(validOf({ version: 'otel_dataflow/v1', groups: { empty: { pipelines: {} } } }).pipelines).toEqual([]);
  });
});
