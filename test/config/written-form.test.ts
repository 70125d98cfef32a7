// The config as written: parsed without `${env:…}` substitution, and kept only when substituting it the admin API's way
// gives back exactly the document that runs; the export view redacts literal credentials and keeps references.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { substituteEnv } from '../../src/config/env-subst.js';
import { writtenForm } from '../../src/config/written-form.js';
import { CommittedSource } from '../../src/state/committed-source.js';

const env = { TOKEN: 'tok-123', PORT: '4317', DIGITS: '123456' };
function formOf(text: string) {
  const substituted = substituteEnv(text, env);
  if (!substituted.ok) throw new Error('substitution failed');
  return writtenForm(text, parse(substituted.text), env);
}

describe('writtenForm', () => {
  it('keeps references as written, escapes included', () => {
    const form = formOf('version: otel_dataflow/v1\nport: ${env:PORT}\ntoken: "${env:TOKEN}"\nliteral: $${env:NOT_SUBSTITUTED}\ngroups: {}\n');
    expect(form).toEqual({
      kind: 'kept',
      document: { version: 'otel_dataflow/v1', port: '${env:PORT}', token: '${env:TOKEN}', literal: '$${env:NOT_SUBSTITUTED}', groups: {} },
    });
  });

  it('loses a reference inside a flow collection, or a quoted one that would read back as a number', () => {
    expect(formOf('groups: {}\nlist: [a, "${env:TOKEN}x"]\nflow: { k: ${env:TOKEN} }\n').kind).toBe('lost');
    expect(formOf('groups: {}\npassword: "${env:DIGITS}"\n').kind).toBe('lost');
  });

  it('keeps a document without references as it is', () => {
    expect(formOf('groups: {}\nport: 5\n')).toEqual({ kind: 'kept', document: { groups: {}, port: 5 } });
  });
});

describe('CommittedSource', () => {
  it('exports references as they are and redacts literal credentials only', () => {
    const source = new CommittedSource({
      groups: { g: { pipelines: { p: { nodes: { e: { config: { bearer_token: '${env:TOKEN}', password: 'hunter2', endpoint: 'http://x' } } } } } } },
    });
    const exported = source.exportable() as any;
    expect(exported.groups.g.pipelines.p.nodes.e.config).toEqual({ bearer_token: '${env:TOKEN}', password: '***redacted***', endpoint: 'http://x' });
  });

  it('follows commits: pipelines set and deleted, groups added and removed, a reconcile adopted without its pipelines', () => {
    const source = new CommittedSource({ version: 'v', engine: { state_dir: '/s' }, groups: { a: { pipelines: { p: { n: 1 } } } } });
    source.addGroup('b', { description: '${env:TOKEN}', pipelines: { ignored: {} } });
    source.setPipeline('b', 'q', { n: 2 });
    source.deletePipeline('a', 'p');
    source.adopt({ version: 'v2', engine: { other: true }, groups: { b: { description: 'new' } } });
    expect(source.document()).toEqual({ version: 'v2', engine: { state_dir: '/s' }, groups: { a: { pipelines: {} }, b: { description: 'new', pipelines: { q: { n: 2 } } } } });
    source.removeGroup('a');
    expect(source.withoutEngine()).toEqual({ version: 'v2', groups: { b: { description: 'new', pipelines: { q: { n: 2 } } } } });
  });
});
