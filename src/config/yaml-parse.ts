// YAML text to a plain value. Syntax errors (including duplicate keys, which YAML forbids) come back with their
// line and column; there is no field path yet, so they sit at `(root)`.
import { LineCounter, parseDocument } from 'yaml';
import { configError, ROOT_PATH, type ConfigError } from './errors.js';

export type YamlParseResult = { ok: true; value: unknown } | { ok: false; errors: ConfigError[] };

export function parseYaml(text: string): YamlParseResult {
  // Positions come from a LineCounter: prettyErrors would add them too, but inside a multi-line message with context.
  const lines = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, lineCounter: lines });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        const where = ` at line ${pos.line}, column ${pos.col}`;
        return configError(ROOT_PATH, 'YamlSyntax', `YAML syntax error${where}: ${e.message}`);
      }),
    };
  }
  try {
    return { ok: true, value: doc.toJS() };
  } catch (error) {
    // toJS refuses documents that expand aliases excessively (a "billion laughs" guard).
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, errors: [configError(ROOT_PATH, 'YamlSyntax', `YAML cannot be read: ${reason}`)] };
  }
}
