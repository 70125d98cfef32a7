// The committed config as the operator wrote it: each part exactly as it came (the config file parsed without `${env:…}`
// substitution, or an API body), kept beside the substituted config the engine runs so that what is persisted or
// exported holds the references and never a substituted value. It changes in step with the committed config, through
// the runtime manager only.
import { isSecretKey, REDACTED } from '../util/redact.js';

type Raw = Record<string, unknown>;
/** A value that is nothing but one `${env:…}` reference: it names where a secret is, not what it is. */
const WHOLE_REFERENCE = /^\$\{env:[^}\n]*\}$/;

export class CommittedSource {
  private doc: Raw;

  constructor(document: Raw) {
    this.doc = structuredClone(document);
    if (!isRecord(this.doc.groups)) this.doc.groups = {};
  }

  /** A copy of the whole document, engine section included. */
  document(): Raw {
    return structuredClone(this.doc);
  }

  /**
   * What `ctl config export` prints: the whole document, with every credential that was written literally (under a key
   * that names one) redacted; one given as a `${env:…}` reference stays a reference.
   */
  exportable(): Raw {
    return redactLiterals(this.document()) as Raw;
  }

  /** A copy without the engine section: what the state file keeps (the engine section always comes from the file). */
  withoutEngine(): Raw {
    const { engine: _engine, ...rest } = this.document();
    return rest;
  }

  /** A copy of one pipeline's spec as written; undefined when there is none. */
  pipeline(group: string, pipeline: string): unknown {
    const target = this.groups()[group];
    const spec = isRecord(target) && isRecord(target.pipelines) ? target.pipelines[pipeline] : undefined;
    return spec === undefined ? undefined : structuredClone(spec);
  }

  setPipeline(group: string, pipeline: string, spec: unknown): void {
    const target = this.groups()[group];
    if (!isRecord(target)) return;
    if (!isRecord(target.pipelines)) target.pipelines = {};
    (target.pipelines as Raw)[pipeline] = structuredClone(spec);
  }

  deletePipeline(group: string, pipeline: string): void {
    const target = this.groups()[group];
    if (isRecord(target) && isRecord(target.pipelines)) delete target.pipelines[pipeline];
  }

  addGroup(group: string, spec: unknown): void {
    this.groups()[group] = { ...(isRecord(spec) ? structuredClone(spec) : {}), pipelines: {} };
  }

  removeGroup(group: string): void {
    delete this.groups()[group];
  }

  /** A reconcile's document, as the runtime manager adopts it: its settings and groups; pipelines and the engine section stay. */
  adopt(desired: unknown): void {
    const previous = this.doc;
    const { engine: _ignored, groups, ...settings } = isRecord(desired) ? desired : {};
    const previousGroups = isRecord(previous.groups) ? previous.groups : {};
    const merged: Raw = {};
    for (const [g, spec] of Object.entries(isRecord(groups) ? groups : {})) {
      const kept = isRecord(previousGroups[g]) && isRecord(previousGroups[g].pipelines) ? previousGroups[g].pipelines : {};
      merged[g] = { ...(isRecord(spec) ? structuredClone(spec) : {}), pipelines: kept };
    }
    for (const [g, spec] of Object.entries(previousGroups)) merged[g] ??= spec;
    this.doc = { ...structuredClone(settings), ...(previous.engine !== undefined ? { engine: previous.engine } : {}), groups: merged };
  }

  private groups(): Raw {
    return this.doc.groups as Raw;
  }
}

function isRecord(value: unknown): value is Raw {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function redactLiterals(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactLiterals);
  if (!isRecord(value)) return value;
  const out: Raw = {};
  for (const [key, inner] of Object.entries(value)) {
    const secret = isSecretKey(key);
    if (secret && Array.isArray(inner)) out[key] = inner.map((item) => (isLiteral(item) ? REDACTED : redactLiterals(item)));
    else out[key] = secret && isLiteral(inner) ? REDACTED : redactLiterals(inner);
  }
  return out;
}

function isLiteral(value: unknown): boolean {
  return typeof value === 'number' || (typeof value === 'string' && !WHOLE_REFERENCE.test(value));
}
