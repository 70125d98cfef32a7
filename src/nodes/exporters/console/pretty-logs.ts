// `pretty` logs: a tree per resource, one line per resource, scope and log record, each led by a timestamp (the first
// record's time for resources and scopes). Colors and box-drawing characters can be turned off.
import type { LogRecord, LogsRequest } from './otlp-json.js';
import { attributesText, hasContent, isoMillis, valueText, type Style } from './text.js';

export interface TreeChars {
  vertical: string;
  tee: string;
  corner: string;
}

export const UNICODE_TREE: TreeChars = { vertical: '\u2502', tee: '\u251c\u2500', corner: '\u2514\u2500' };
export const ASCII_TREE: TreeChars = { vertical: '|', tee: '+-', corner: '\\-' };

/** The severity word, padded to five columns; a record's own severity text wins over its number. */
function severity(record: LogRecord, style: Style): string {
  const n = record.severityNumber ?? 0;
  if (record.severityText) {
    const color = n >= 17 ? 'red' : n >= 13 ? 'yellow' : n >= 9 ? 'green' : n >= 1 ? 'blue' : 'reset';
    return `${style(color, record.severityText)} `;
  }
  const [word, color] =
    n >= 17 ? (['ERROR', 'red'] as const)
    : n >= 13 ? (['WARN ', 'yellow'] as const)
    : n >= 9 ? (['INFO ', 'green'] as const)
    : n >= 5 ? (['DEBUG', 'blue'] as const)
    : n >= 1 ? (['TRACE', 'magenta'] as const)
    : (['     ', 'reset'] as const);
  return `${style(color, word)} `;
}

function recordTime(record: LogRecord): string | undefined {
  return record.timeUnixNano ?? record.observedTimeUnixNano;
}

/** `event: body [attrs] (N dropped)`, with the separators only where something follows. */
function recordContent(record: LogRecord): string {
  const body = hasContent(record.body) ? valueText(record.body) : '';
  const attributes = attributesText(record.attributes);
  const dropped = record.droppedAttributesCount ? ` (${record.droppedAttributesCount} dropped)` : '';
  let text = record.eventName ?? '';
  if (text !== '' && (body !== '' || attributes !== '' || dropped !== '')) text += body !== '' ? ': ' : ':';
  return `${text}${body}${attributes}${dropped}`;
}

export function prettyLogs(request: LogsRequest, style: Style, tree: TreeChars): string {
  let out = '';
  const stamp = (nanos: string | undefined): string => `${style('dim', isoMillis(nanos))}  `;
  for (const resourceLogs of request.resourceLogs ?? []) {
    const scopes = resourceLogs.scopeLogs ?? [];
    const first = scopes.flatMap((s) => s.logRecords ?? []).map(recordTime).find((t) => t !== undefined);
    out += `${stamp(first)}${style('cyan', 'RESOURCE')}   v1.Resource${attributesText(resourceLogs.resource?.attributes)}\n`;
    scopes.forEach((scopeLogs, s) => {
      const lastScope = s === scopes.length - 1;
      const records = scopeLogs.logRecords ?? [];
      const scope = scopeLogs.scope;
      const name = scope?.name ? (scope.version ? `${scope.name}/${scope.version}` : scope.name) : 'v1.InstrumentationScope';
      const first = records.map(recordTime).find((t) => t !== undefined);
      out += `${stamp(first)}${tree.vertical} ${style('magenta', 'SCOPE')}    ${name}${attributesText(scope?.attributes)}\n`;
      records.forEach((record, r) => {
        const branch = lastScope && r === records.length - 1 ? tree.corner : tree.tee;
        out += `${stamp(recordTime(record))}${tree.vertical} ${branch} ${severity(record, style)}${recordContent(record)}\n`;
      });
    });
  }
  return out;
}
