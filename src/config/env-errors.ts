// Turns env substitution problems into ConfigErrors that carry the YAML path of the field the reference sat in
// (`groups.default.pipelines.main.nodes.out.config.endpoint`), found by parsing the text with a marker in its place.
import { parse } from 'yaml';
import { configError, ROOT_PATH, type ConfigError, type PathSegment } from './errors.js';
import type { EnvProblem } from './env-subst.js';

export function envProblemsToErrors(problems: readonly EnvProblem[], markedText: string): ConfigError[] {
  const parsed = tryParse(markedText);
  return problems.map((p) => {
    const path = parsed.ok ? findMarker(parsed.value, p.marker, []) : undefined;
    const where = `line ${p.line}, column ${p.column}`;
    const message =
      p.code === 'EnvVarUnset'
        ? `environment variable ${p.variable} is not set and has no default (${where})`
        : `\${env:${p.variable}} is not a valid reference; use \${env:NAME} or \${env:NAME:-default} (${where})`;
    return configError(path ?? ROOT_PATH, p.code, message);
  });
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: parse(text) };
  } catch {
    return { ok: false };
  }
}

function findMarker(value: unknown, marker: string, at: PathSegment[]): PathSegment[] | undefined {
  if (typeof value === 'string') return value.includes(marker) ? at : undefined;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = findMarker(item, marker, [...at, i]);
      if (found) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes(marker)) return [...at, key];
      const found = findMarker(item, marker, [...at, key]);
      if (found) return found;
    }
  }
  return undefined;
}
