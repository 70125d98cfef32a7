// The engine's recent log lines (from its in-memory log tap, through the event stream), newest first, with the lowest
// level to show. The panel and its level filter persist across updates (focus stays put); only the table is redrawn,
// and only when the lines or the filter changed.
import { el, formatTime } from './dom.js';
import type { LogState } from './store.js';
import type { LogEntry } from './types.js';

/** Levels from the least to the most severe, as the tap spells them. */
const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;
/** Lines drawn at most: the page keeps more, the filter picks among them. */
const SHOWN = 200;

export interface LogsPanel {
  element: HTMLElement;
  update(state: LogState, version: number): void;
}

function severity(level: string): number {
  const index = (LEVELS as readonly string[]).indexOf(level.toUpperCase());
  return index < 0 ? LEVELS.indexOf('INFO') : index;
}

function toneOf(level: string): string {
  const value = severity(level);
  if (value >= severity('ERROR')) return 'bad';
  if (value === severity('WARN')) return 'busy';
  return 'idle';
}

/** Where a line comes from: the pipeline instance it names (group/pipeline, core, generation), or the component. */
function source(line: LogEntry): string {
  const attributes = line.contexts[0]?.attributes;
  if (attributes === undefined) return line.target;
  const value = (name: string): string | number | boolean | undefined => {
    const tagged = attributes[name];
    return tagged === undefined ? undefined : Object.values(tagged)[0];
  };
  const core = value('core.id');
  const generation = value('deployment.generation');
  return [
    `${value('pipeline.group.id')}/${value('pipeline.id')}`,
    core === undefined ? '' : ` core ${core}`,
    generation === undefined ? '' : ` generation ${generation}`,
  ].join('');
}

/** The fields after the message (`key=value …`), which the tap renders after its `time LEVEL target: message` prefix. */
function fields(line: LogEntry): string {
  const prefix = `${line.timestamp} ${line.level} ${line.target}: ${line.event_name}`;
  return line.rendered.startsWith(prefix) ? line.rendered.slice(prefix.length).trim() : line.event_name === '' ? line.rendered : '';
}

function linesTable(lines: LogEntry[]): HTMLElement {
  return el(
    'div',
    { class: 'table-wrap' },
    el(
      'table',
      { class: 'logs' },
      el('caption', {}, `Engine log, newest first (${lines.length} line${lines.length === 1 ? '' : 's'})`),
      el('thead', {}, el('tr', {}, ...['Time', 'Level', 'Source', 'Message'].map((h) => el('th', { scope: 'col' }, h)))),
      el(
        'tbody',
        {},
        ...lines.map((line) =>
          el(
            'tr',
            { 'data-seq': line.seq, 'data-level': line.level },
            el('td', { class: 'nowrap' }, formatTime(line.timestamp)),
            el('td', { class: `tone-${toneOf(line.level)}` }, line.level),
            el('td', {}, source(line)),
            el('td', {}, line.event_name === '' ? '' : line.event_name, fields(line) ? el('div', { class: 'detail' }, fields(line)) : null),
          ),
        ),
      ),
    ),
  );
}

export function logsPanel(): LogsPanel {
  const filter = el(
    'select',
    { id: 'log-level', name: 'log-level' },
    ...LEVELS.map((level) => el('option', { value: level, selected: level === 'DEBUG' }, level === 'TRACE' ? 'All levels' : `${level} and above`)),
  );
  const controls = el('p', { class: 'log-controls' }, el('label', { for: 'log-level' }, 'Lowest level shown '), filter);
  // Scrolls on its own: focusable, so that the keyboard scrolls it too.
  const body = el('div', { class: 'log-lines', tabindex: 0, role: 'region', 'aria-label': 'Engine log lines' });
  const element = el('section', { id: 'logs', 'aria-labelledby': 'logs-title' }, el('h2', { id: 'logs-title' }, 'Engine log'), controls, body);
  let state: LogState = { tap: 'unknown' };
  let drawn = -1;

  const draw = (): void => {
    controls.hidden = state.tap !== 'on';
    if (state.tap === 'unknown') return body.replaceChildren(el('p', {}, 'Waiting for the engine…'));
    if (state.tap === 'off') {
      return body.replaceChildren(
        el('p', {}, 'The engine keeps no log lines: its in-memory log tap is off. Set engine.telemetry.logs.tap.enabled: true in its config to see them here.'),
      );
    }
    const lowest = severity(filter.value);
    const shown = state.lines.filter((line) => severity(line.level) >= lowest).reverse().slice(0, SHOWN);
    body.replaceChildren(
      state.missed ? el('p', { class: 'detail' }, 'Some lines were dropped by the engine before the page could get them.') : '',
      shown.length === 0 ? el('p', {}, 'No line at this level yet.') : linesTable(shown),
    );
  };
  filter.addEventListener('change', draw);

  return {
    element,
    update(next, version) {
      if (version === drawn) return;
      drawn = version;
      state = next;
      draw();
    },
  };
}
