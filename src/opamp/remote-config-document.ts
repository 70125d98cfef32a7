// The engine config inside a ServerToAgent's remote_config: the file under the configured key of the config map,
// read as JSON or YAML by its content type (upstream's rules: no content type means JSON, else YAML).
import { parseYaml } from '../config/yaml-parse.js';
import type { AgentRemoteConfig } from './proto.js';

export type RemoteDocument =
  | { kind: 'document'; document: unknown }
  /** The file is there but empty: nothing to apply (upstream ignores it too). */
  | { kind: 'empty' }
  | { kind: 'unusable'; reason: string };

const YAML_TYPES = new Set(['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml']);
/** Bigger than any sane engine config, small enough that a broken server cannot make the supervisor parse gigabytes. */
export const MAX_REMOTE_CONFIG_BYTES = 4 * 1024 * 1024;

export function remoteDocument(remote: AgentRemoteConfig, key: string): RemoteDocument {
  const files = remote.config?.configMap ?? {};
  const file = files[key];
  if (file === undefined) {
    const keys = Object.keys(files).map((k) => JSON.stringify(k));
    return { kind: 'unusable', reason: `the config map has no file under the key ${JSON.stringify(key)} (remote_config_key); it has ${keys.length > 0 ? keys.join(', ') : 'no files'}` };
  }
  if (file.body.length === 0) return { kind: 'empty' };
  if (file.body.length > MAX_REMOTE_CONFIG_BYTES) return { kind: 'unusable', reason: `the config is ${file.body.length} bytes, above the limit of ${MAX_REMOTE_CONFIG_BYTES}` };
  const text = Buffer.from(file.body).toString('utf8');
  const mediaType = (file.contentType.split(';')[0] ?? '').trim().toLowerCase();
  if (mediaType === 'application/json') return fromJson(text);
  if (YAML_TYPES.has(mediaType)) return fromYaml(text);
  if (mediaType === '') {
    const json = fromJson(text);
    if (json.kind === 'document') return json;
    const yaml = fromYaml(text);
    return yaml.kind === 'document' ? yaml : { kind: 'unusable', reason: `neither JSON nor YAML: ${json.kind === 'unusable' ? json.reason : ''}; ${yaml.kind === 'unusable' ? yaml.reason : ''}` };
  }
  return { kind: 'unusable', reason: `unsupported content type ${JSON.stringify(file.contentType)}: send application/json or application/yaml` };
}

function fromJson(text: string): RemoteDocument {
  try {
    return { kind: 'document', document: JSON.parse(text) as unknown };
  } catch (error) {
    return { kind: 'unusable', reason: `invalid JSON: ${(error as Error).message}` };
  }
}

function fromYaml(text: string): RemoteDocument {
  const parsed = parseYaml(text);
  if (parsed.ok) return { kind: 'document', document: parsed.value };
  return { kind: 'unusable', reason: `invalid YAML: ${parsed.errors.map((e) => e.message).join('; ')}` };
}
