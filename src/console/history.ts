// Rollout and shutdown history with outcomes, newest first: the records the engine keeps (the latest 32 of each kind per
// pipeline, deleted pipelines' too), sent by the event stream when the page connects and as they change, so a page
// opened after an operation ended shows it.
import { el, formatTime } from './dom.js';
import type { HistoryEntry } from './store.js';

function toneOf(state: string): string {
  if (state === 'succeeded') return 'good';
  if (['failed', 'rolled_back', 'rollback_failed', 'timeout'].includes(state)) return 'bad';
  return 'busy';
}

export function historyTable(entries: HistoryEntry[]): HTMLElement {
  if (entries.length === 0) return el('p', {}, 'No rollout or shutdown yet.');
  return el(
    'div',
    { class: 'table-wrap' },
    el(
      'table',
      { class: 'history' },
      el('caption', {}, 'Rollouts and shutdowns, newest first'),
      el('thead', {}, el('tr', {}, ...['Started', 'Pipeline', 'Operation', 'Outcome', 'Updated'].map((h) => el('th', { scope: 'col' }, h)))),
      el(
        'tbody',
        {},
        ...entries.map((entry) => {
          const { record } = entry;
          const operation = entry.kind === 'rollout' ? `rollout ${entry.record.action} → generation ${entry.record.targetGeneration}` : 'shutdown';
          const id = entry.kind === 'rollout' ? entry.record.rolloutId : entry.record.shutdownId;
          return el(
            'tr',
            { 'data-operation': id, 'data-state': record.state },
            el('td', {}, formatTime(record.startedAt)),
            el('td', {}, entry.key),
            el('td', {}, operation, el('div', { class: 'detail' }, id)),
            el('td', { class: `tone-${toneOf(record.state)}` }, record.state, record.failureReason ? el('div', { class: 'detail' }, record.failureReason) : null),
            el('td', {}, formatTime(record.updatedAt)),
          );
        }),
      ),
    ),
  );
}
