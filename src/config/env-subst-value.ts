// `${env:…}` in configs that arrive as JSON through the admin API. The value goes through the same text substitution as
// a config file (written as YAML, substituted, read back), so that a variable means the same thing in both: it can
// supply any scalar, and a PUT of the same pipeline with and without the reference gives the same effective config.
import { parse, stringify } from 'yaml';
import { envProblemsToErrors } from './env-errors.js';
import { substituteEnv, type EnvEnvironment } from './env-subst.js';
import type { ConfigError } from './errors.js';

export function substituteEnvInValue(
  value: unknown,
  pathPrefix: string,
  env: EnvEnvironment = process.env,
): { ok: true; value: unknown } | { ok: false; errors: ConfigError[] } {
  const text = stringify(value);
  if (!text.includes('${env:')) return { ok: true, value };
  const result = substituteEnv(text, env);
  if (result.ok) return { ok: true, value: parse(result.text) as unknown };
  const errors = envProblemsToErrors(result.problems, result.markedText).map((error) => ({
    ...error,
    path: pathPrefix && error.path !== '(root)' ? `${pathPrefix}.${error.path}` : pathPrefix || error.path,
  }));
  return { ok: false, errors };
}
