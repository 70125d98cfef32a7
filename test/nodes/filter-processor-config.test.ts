// processor:filter's config is upstream's: logs, traces and metrics, each with include and exclude match properties
// as upstream writes them; plus this engine's `signals`. Defaults, upstream's examples, and what is refused.
import { describe, expect, it } from 'vitest';
import { validateWithJoi } from '../../src/config/joi-errors.js';
import { filterProcessor } from '../../src/nodes/processors/filter/descriptor.js';

const check = (config: unknown) => validateWithJoi<Record<string, any>>(filterProcessor.configSchema, config, ['filter']);
const errors = (config: unknown) => {
  const result = check(config);
  return result.ok ? [] : result.errors.map((e) => `${e.path}: ${e.message}`);
};

describe('processor:filter config', () => {
  it('fills defaults: no rules, every signal kept; match properties default to strict and empty lists', () => {
    const empty = check({});
    expect(empty.ok && empty.value).toEqual({ logs: { log_record: [] }, traces: {}, metrics: {}, signals: { logs: true, traces: true, metrics: true } });
    const logs = check({ logs: { include: { severity_texts: ['WARN'] } } });
    expect(logs.ok && logs.value.logs.include).toEqual({ match_type: 'strict', resource_attributes: [], record_attributes: [], severity_texts: ['WARN'], bodies: [] });
    const traces = check({ traces: { exclude: { span_names: ['a'] } } });
    expect(traces.ok && traces.value.traces.exclude).toMatchObject({ match_type: 'strict', span_attributes: [], event_names: [], event_attributes: [], link_attributes: [] });
  });

  it("accepts upstream's examples as they are written", () => {
    for (const config of [
      { metrics: { include: { match_type: 'strict', metric_names: ['http.server.request.count', 'process.cpu.utilization'] }, exclude: { match_type: 'regexp', metric_names: ['^internal\\..*$'] } } },
      { logs: { include: { match_type: 'strict', record_attributes: [{ key: 'gen_ai.system', value: 'openai' }, { key: 'ios.app.state', value: 'active' }] } } },
      { logs: { exclude: { match_type: 'strict', record_attributes: [{ key: 'thread.name', value: 'worker-1' }] } } },
      {
        logs: {
          include: { match_type: 'strict', resource_attributes: [{ key: 'deployment.environment', value: 'prod' }], record_attributes: [], severity_texts: ['WARN', 'ERROR'], severity_number: { min: 13, match_undefined: false }, bodies: ['checkout started'] },
          exclude: { match_type: 'strict', record_attributes: [{ key: 'retryable', value: true }], severity_number: null },
          log_record: [],
        },
        traces: {
          include: { match_type: 'strict', span_attributes: [], span_names: ['checkout-warn'], event_names: ['checkout-event'], event_attributes: [], link_attributes: [] },
          exclude: { event_attributes: [{ key: 'success', value: false }], link_attributes: [{ key: 'correlation', value: false }] },
        },
      },
    ]) {
      expect(errors(config)).toEqual([]);
    }
  });

  it('takes a severity name as min, as an extra beside the number', () => {
    const named = check({ logs: { include: { severity_number: { min: 'warn2' } } } });
    expect(named.ok && named.value.logs.include.severity_number).toEqual({ min: 14, match_undefined: false });
  });

  it('refuses what it cannot honour, with paths', () => {
    expect(errors({ logs: { log_record: ['severity_number < 9'] } })).toEqual(['filter.logs.log_record: "log_record" cannot be honoured: this engine does not evaluate OTTL conditions']);
    expect(errors({ metrics: { include: { match_type: 'regexp', metric_names: ['(unclosed'] } } })[0]).toMatch(/^filter.metrics.include: "include".metric_names\[0\] is not a regular expression/);
    expect(errors({ logs: { include: { match_type: 'glob' } } })[0]).toMatch(/^filter.logs.include.match_type: /);
    expect(errors({ logs: { include: { severity_number: { min: 25 } } } })[0]).toMatch(/^filter.logs.include.severity_number.min: /);
    expect(errors({ logs: { min_severity: 'WARN' } })).toEqual(['filter.logs.min_severity: unknown field "min_severity"']);
    expect(errors({ include: { attributes: [] } })).toEqual(['filter.include: unknown field "include"']);
    expect(errors({ traces: { include: { record_attributes: [] } } })).toEqual(['filter.traces.include.record_attributes: unknown field "record_attributes"']);
  });
});
