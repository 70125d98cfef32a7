// Every complete config in the docs (a YAML block that starts with `version: otel_dataflow/v1`) validates as the engine
// would judge it with --validate-and-exit, so an example can never teach a field the engine no longer takes.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectMarkdown, ROOT } from '../support/docs.js';
import { parse } from 'yaml';
import { validateEngineConfig } from '../../src/config/index.js';
import { substituteEnv } from '../../src/config/env-subst.js';
import { builtinCatalog } from '../../src/nodes/catalog.js';



const examples = projectMarkdown().flatMap((file) =>
  [...readFileSync(file, 'utf8').matchAll(/```ya?ml\n(version: otel_dataflow\/v1\n[\s\S]*?)```/g)].map(
    (match, index) => [`${relative(ROOT, file)} #${index + 1}`, match[1] as string] as const,
  ),
);

describe('config examples in the docs', () => {
  it('has examples to check', () => {
    expect(examples.length).toBeGreaterThan(10);
  });
  it.each(examples)('%s validates', (_name, text) => {
    // Examples may use ${env:...} with defaults; an unset variable without one would be the example's own error.
    const substituted = substituteEnv(text, { EXPORT_TOKEN: 'example-token', OTAP_ENGINE_ENABLE_FAULT_INJECTION: '1' });
    expect(substituted.ok).toBe(true);
    if (!substituted.ok) return;
    const result = validateEngineConfig(parse(substituted.text), { catalog: builtinCatalog, availableCores: [0, 1], coreCheck: 'warn' });
    expect(result.ok ? [] : result.errors.map((e) => `${e.path}: ${e.message}`)).toEqual([]);
  });
});
