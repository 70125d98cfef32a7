// The config as the operator wrote it, `${env:…}` references unsubstituted: what a state dir persists and
// `ctl config export` prints, so that no substituted value (a secret, most often) is ever written anywhere. The file is
// parsed a second time without substitution; the result is kept only if substituting its values the way the admin API
// substitutes a body gives back exactly the document that runs, so that a restart from it runs the same thing.
import { substituteEnvInValue } from './env-subst-value.js';
import type { EnvEnvironment } from './env-subst.js';
import { canonicalJson } from './hash.js';
import { parseYaml } from './yaml-parse.js';

export type WrittenForm = { kind: 'kept'; document: Record<string, unknown> } | { kind: 'lost'; reason: string };

export function writtenForm(text: string, substituted: unknown, env: EnvEnvironment): WrittenForm {
  if (!text.includes('${env:')) return kept(substituted);
  const raw = parseYaml(text);
  if (!raw.ok) return { kind: 'lost', reason: 'the file is YAML only once its ${env:…} references are substituted' };
  const again = substituteEnvInValue(raw.value, '', env);
  if (!again.ok || canonicalJson(again.value) !== canonicalJson(substituted)) {
    return {
      kind: 'lost',
      reason:
        'a ${env:…} reference does not stand as a whole value (inside a key, a flow collection, or a quoted value that reads as a number or boolean): ' +
        'it cannot be kept as a reference',
    };
  }
  return kept(raw.value);
}

function kept(document: unknown): WrittenForm {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) return { kind: 'lost', reason: 'the config is not a map' };
  return { kind: 'kept', document: structuredClone(document) as Record<string, unknown> };
}
