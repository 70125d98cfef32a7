// Node and extension type URNs. The canonical form is `urn:<namespace>:<kind>:<id>`; `<kind>:<id>` is short for the
// `otel` namespace. The upstream engine also writes `urn:otel:<id>:<kind>` (`urn:otel:otlp:receiver`), so when the
// kind is last it is moved to its canonical place: both spellings are the same node and hash the same.

export const COMPONENT_KINDS = ['receiver', 'processor', 'exporter', 'extension'] as const;
export type ComponentKind = (typeof COMPONENT_KINDS)[number];

export interface ParsedUrn {
  namespace: string;
  kind: ComponentKind;
  id: string;
  /** Canonical spelling, `urn:<namespace>:<kind>:<id>`. */
  urn: string;
}

export type UrnResult = { ok: true; value: ParsedUrn } | { ok: false; message: string };

const SEGMENT = /^[A-Za-z0-9_.-]+$/;

function isKind(text: string): text is ComponentKind {
  return (COMPONENT_KINDS as readonly string[]).includes(text);
}

export function parseComponentUrn(type: string): UrnResult {
  const parts = type.trim().split(':');
  let namespace: string;
  let pair: string[];
  if (parts.length === 4 && parts[0] === 'urn') {
    namespace = parts[1] as string;
    pair = parts.slice(2);
  } else if (parts.length === 2) {
    namespace = 'otel';
    pair = parts;
  } else {
    return { ok: false, message: invalid(type) };
  }
  const [first, second] = pair as [string, string];
  if (![namespace, first, second].every((s) => SEGMENT.test(s))) return { ok: false, message: invalid(type) };
  // Canonical order wins when both segments are kinds (`urn:x:receiver:exporter` is an exporter-named receiver).
  const ordered = isKind(first) ? { kind: first, id: second } : isKind(second) ? { kind: second, id: first } : undefined;
  if (!ordered) {
    return { ok: false, message: `${JSON.stringify(type)} names no kind; kinds are ${COMPONENT_KINDS.join(', ')}` };
  }
  const { kind, id } = ordered;
  return { ok: true, value: { namespace, kind, id, urn: `urn:${namespace}:${kind}:${id}` } };
}

function invalid(type: string): string {
  return `${JSON.stringify(type)} is not a type URN; use urn:<namespace>:<kind>:<id> or <kind>:<id> (receiver:otlp)`;
}
