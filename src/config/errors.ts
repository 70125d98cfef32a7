// Configuration errors as plain values: a dotted path from the document root, a stable code and a message. Every
// validation step returns these instead of throwing, so one run reports every problem at once.

export type ConfigErrorCode =
  // loading and parsing
  | 'ConfigLoadFailed'
  | 'EnvVarUnset'
  | 'EnvVarSyntax'
  | 'YamlSyntax'
  // document schema
  | 'UnknownField'
  | 'MissingField'
  | 'InvalidValue'
  | 'UnsupportedVersion'
  | 'ReservedGroup'
  // node and extension types
  | 'InvalidNodeType'
  | 'UnknownNodeType'
  | 'NodeUnavailable'
  | 'InvalidExtensionType'
  | 'UnknownExtensionType'
  // capabilities (a node binding an extension's service)
  | 'CapabilityNotAccepted'
  | 'CapabilityNotImplemented'
  // graph
  | 'UnknownNode'
  | 'UnknownPort'
  | 'Cycle'
  | 'ExporterAsSource'
  | 'ReceiverAsTarget'
  | 'NoReceiver'
  | 'NoExporter'
  | 'UnconnectedNode'
  // cross-pipeline and resources
  | 'AddressInUse'
  | 'CoreAllocationUnmet'
  | 'HostWideNodeOnManyCores'
  | 'HostWideConflict'
  | 'StoragePathShared'
  | 'StoragePathUnwritable'
  | 'ExtensionNotFound';

export interface ConfigError {
  /** Dotted from the document root, array items as `[i]`: `groups.default.pipelines.main.connections[1].to`. */
  path: string;
  message: string;
  code: ConfigErrorCode;
}

/**
 * A field that is valid but changes nothing here (an upstream setting of its Rust runtime, a hint this engine does not
 * need). Printed by `--validate-and-exit` and logged at start; it never makes a config invalid.
 */
export interface ConfigWarning {
  path: string;
  message: string;
}

/** Path of errors that belong to no field (YAML syntax, a source that cannot be read). */
export const ROOT_PATH = '(root)';

export type PathSegment = string | number;

// Keys that would make a dotted path ambiguous are quoted; node names such as `otlp/ingest` stay readable.
const PLAIN_KEY = /^[^.[\]"\s]+$/;

export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out === '' ? ROOT_PATH : out;
}

export function configError(path: readonly PathSegment[] | string, code: ConfigErrorCode, message: string): ConfigError {
  return { path: typeof path === 'string' ? path : formatPath(path), code, message };
}

export function configWarning(path: readonly PathSegment[], message: string): ConfigWarning {
  return { path: formatPath(path), message };
}

/** One line per error, `PATH: MESSAGE`. */
export function formatConfigErrors(errors: readonly ConfigError[]): string {
  return errors.map((e) => `${e.path}: ${e.message}`).join('\n');
}

/** Sorted by path like errors, duplicates removed (a node config validated twice warns once). */
export function sortConfigWarnings(warnings: readonly ConfigWarning[]): ConfigWarning[] {
  const unique = new Map(warnings.map((w) => [`${w.path}\u0000${w.message}`, w]));
  return [...unique.values()].sort((a, b) => naturalCompare(a.path, b.path) || naturalCompare(a.message, b.message));
}

/**
 * Sorted by path (numbers inside compared as numbers, so `connections[2]` comes before `connections[10]`), then code,
 * then message; duplicates removed. The order never depends on the order checks ran in.
 */
export function sortConfigErrors(errors: readonly ConfigError[]): ConfigError[] {
  const seen = new Set<string>();
  const unique = errors.filter((e) => {
    const key = `${e.path}\u0000${e.code}\u0000${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort(
    (a, b) => naturalCompare(a.path, b.path) || compareText(a.code, b.code) || naturalCompare(a.message, b.message),
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function naturalCompare(a: string, b: string): number {
  const pa = a.match(/\d+|\D+/g) ?? [];
  const pb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i] as string;
    const y = pb[i] as string;
    if (x === y) continue;
    const numeric = /^\d/.test(x) && /^\d/.test(y);
    return numeric ? Number(x) - Number(y) || compareText(x, y) : compareText(x, y);
  }
  return pa.length - pb.length;
}
