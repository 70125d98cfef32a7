// One pipeline's card: desired and actual status, conditions and the deployment error, its graph, its instances per
// core (during a rollout the old and the new generation side by side, with each core's rollout state), throughput, and
// the operator's actions. The card and its buttons persist across updates (focus stays put); its sections are redrawn.
import { el, formatBytes, formatTime } from './dom.js';
import { throughputChart } from './chart.js';
import { pipelineGraph } from './graph.js';
import type { NodeActivity, Sample } from './store.js';
import { committedConfig, FINAL_ROLLOUT_STATES, type ObservedEvent, type PipelineDescription, type PipelineStatus, type RolloutStatus } from './types.js';

export type PipelineAction = 'edit' | 'shutdown' | 'start' | 'delete';

export interface PipelineData {
  key: string;
  status: PipelineStatus;
  description: PipelineDescription | undefined;
  rollout: RolloutStatus | undefined;
  activity: Record<string, NodeActivity> | undefined;
  samples: Sample[];
}

export interface PipelineCard {
  element: HTMLElement;
  update(data: PipelineData): void;
  /** Shows what the API answered to an action of this card. */
  showAnswer(text: string, ok: boolean): void;
}

function badge(label: string, value: string, tone: string): HTMLElement {
  return el('span', { class: `badge tone-${tone}` }, el('span', { class: 'badge-label' }, `${label} `), value);
}

function toneOf(state: string): string {
  if (['running', 'succeeded', 'True', 'retired', 'switched'].includes(state)) return 'good';
  if (['failed', 'degraded', 'rolled_back', 'rollback_failed', 'False'].includes(state)) return 'bad';
  if (state === 'stopped') return 'idle';
  return 'busy';
}

function conditionsList(status: PipelineStatus): HTMLElement {
  return el(
    'ul',
    { class: 'conditions', 'aria-label': 'Conditions' },
    ...status.conditions.map((c) =>
      el('li', { class: `tone-${toneOf(c.status)}` }, el('strong', {}, `${c.type}: ${c.status}`), ` ${c.reason}`, c.message ? ` (${c.message})` : ''),
    ),
  );
}

function instanceCell(status: PipelineStatus, core: number, generation: number): HTMLElement {
  const instance = status.instances.find((i) => i.coreId === core && i.deploymentGeneration === generation);
  if (instance === undefined) return el('td', { class: 'empty' }, '—');
  return el(
    'td',
    { 'data-generation': generation, class: `instance tone-${toneOf(instance.phase)}` },
    el('div', {}, el('strong', {}, instance.phase)),
    el('div', {}, `pid ${instance.pid ?? '—'}`),
    el('div', {}, `CPU ${instance.cpuPercent.toFixed(1)}% · RSS ${formatBytes(instance.rssBytes)}`),
    instance.restarts > 0 ? el('div', {}, `restarts ${instance.restarts}`) : null,
  );
}

/** Cores as rows; one column per generation that has an instance (old and new side by side during a rollout). */
function coresTable(status: PipelineStatus, rollout: RolloutStatus | undefined): HTMLElement {
  const generations = [...new Set(status.instances.map((i) => i.deploymentGeneration))].sort((a, b) => a - b);
  const cores = [...new Set([...Object.keys(status.cores).map(Number), ...status.instances.map((i) => i.coreId)])].sort((a, b) => a - b);
  const live = rollout !== undefined && !FINAL_ROLLOUT_STATES.has(rollout.state) ? rollout : undefined;
  const label = (g: number): string => (g === status.activeGeneration ? `generation ${g} (active)` : `generation ${g}`);
  return el(
    'div',
    { class: 'table-wrap' },
    el(
      'table',
      { class: 'cores' },
      el('caption', {}, generations.length > 1 ? `Instances per core: ${generations.length} generations side by side` : 'Instances per core'),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Core'), el('th', { scope: 'col' }, 'Rollout state'), ...generations.map((g) => el('th', { scope: 'col' }, label(g))))),
      el(
        'tbody',
        {},
        ...cores.map((core) => {
          const step = (live ?? rollout)?.cores.find((c) => c.coreId === core);
          return el(
            'tr',
            { 'data-core': core },
            el('th', { scope: 'row' }, String(core)),
            el('td', { class: step ? `tone-${toneOf(step.state)}` : '' }, step ? step.state : '—', step?.detail ? el('div', { class: 'detail' }, step.detail) : null),
            ...generations.map((g) => instanceCell(status, core, g)),
          );
        }),
      ),
    ),
  );
}

const RECENT_EVENTS = 8;

interface ShownEvent {
  time: string;
  text: string;
}

/** A lifecycle event as "generation 2: ready (message)", a log record by its message; undefined for anything else. */
function shownEvent(core: string, observed: ObservedEvent): ShownEvent | undefined {
  if ('Engine' in observed) {
    const e = observed.Engine;
    const name = e.event ?? JSON.stringify(e.type ?? '');
    const generation = e.key?.deployment_generation;
    return { time: e.time, text: `core ${core}${generation === undefined ? '' : ` generation ${generation}`}: ${name}${e.message ? ` (${e.message})` : ''}` };
  }
  if ('Log' in observed) {
    const message = observed.Log.record?.message ?? observed.Log.record?.msg;
    return { time: observed.Log.time, text: `core ${core}: ${typeof message === 'string' ? message : JSON.stringify(observed.Log.record ?? {})}` };
  }
  return undefined;
}

/** The latest events of every core, newest first (the status keeps a few per core). */
function recentEvents(status: PipelineStatus): HTMLElement | null {
  const events = Object.entries(status.cores)
    .flatMap(([core, c]) => (c.recentEvents ?? []).map((e) => shownEvent(core, e)))
    .filter((e): e is ShownEvent => e !== undefined && typeof e.time === 'string')
    .sort((a, b) => b.time.localeCompare(a.time))
    .slice(0, RECENT_EVENTS);
  if (events.length === 0) return null;
  return el(
    'details',
    { class: 'events' },
    el('summary', {}, `Recent events (${events.length})`),
    el('ul', {}, ...events.map((e) => el('li', {}, `${formatTime(e.time)} ${e.text}`))),
  );
}

function rolloutLine(rollout: RolloutStatus | undefined): HTMLElement | null {
  if (rollout === undefined) return null;
  const generations = rollout.previousGeneration !== undefined ? `generation ${rollout.previousGeneration} → ${rollout.targetGeneration}` : `generation ${rollout.targetGeneration}`;
  return el(
    'p',
    { class: 'rollout-line', 'data-rollout-state': rollout.state },
    // A rollout that runs is work in progress, not yet good news (`running` is good only as a deployment status).
    badge('rollout', `${rollout.action} ${rollout.state}`, FINAL_ROLLOUT_STATES.has(rollout.state) ? toneOf(rollout.state) : 'busy'),
    ` ${rollout.rolloutId}, ${generations}, started ${formatTime(rollout.startedAt)}`,
    rollout.failureReason ? el('span', { class: 'error-text' }, ` — ${rollout.failureReason}`) : null,
  );
}

export function pipelineCard(key: string, onAction: (key: string, action: PipelineAction) => void): PipelineCard {
  const [group, pipeline] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
  const headingId = `pipeline-${key.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const heading = el('h3', { id: headingId }, `${group} / ${pipeline}`);
  const summary = el('div', { class: 'summary' });
  const graph = el('figure', { class: 'graph-wrap' });
  const cores = el('div', { class: 'cores-wrap' });
  const chart = el('figure', { class: 'chart-wrap' });
  const answer = el('output', { class: 'answer', 'aria-live': 'polite' });
  const button = (action: PipelineAction, text: string): HTMLButtonElement => {
    const b = el('button', { type: 'button', 'data-action': action, 'aria-describedby': headingId }, text);
    b.addEventListener('click', () => onAction(key, action));
    return b;
  };
  const actions = el('div', { class: 'actions', role: 'group', 'aria-label': `Actions on ${group}/${pipeline}` }, button('edit', 'Edit config'), button('shutdown', 'Shut down'), button('start', 'Start'), button('delete', 'Delete'));
  const element = el('section', { class: 'pipeline', 'data-pipeline': key, 'aria-labelledby': headingId }, heading, summary, actions, answer, graph, cores, chart);

  return {
    element,
    update({ status, description, rollout, activity, samples }) {
      const config = description === undefined ? undefined : committedConfig(description);
      summary.replaceChildren(
        el(
          'p',
          { class: 'badges' },
          badge('desired', status.desiredStatus, toneOf(status.desiredStatus)),
          badge('actual', status.deploymentStatus, toneOf(status.deploymentStatus)),
          badge('generation', String(status.activeGeneration), 'idle'),
          badge('cores', `${status.runningCores}/${status.totalCores}`, status.runningCores === status.totalCores ? 'good' : 'busy'),
          el('span', { class: 'since' }, `since ${formatTime(status.deploymentStatusSince)}`),
        ),
        status.deploymentError ? el('p', { class: 'deployment-error', role: 'alert' }, `${status.deploymentError.error_code}: ${status.deploymentError.message}`) : '',
        rolloutLine(rollout) ?? '',
        conditionsList(status),
      );
      graph.replaceChildren(
        config === undefined ? el('p', {}, 'Loading the pipeline config…') : pipelineGraph(headingId, config, activity),
        el('figcaption', {}, 'Nodes and connections; items/s in and out of each node'),
      );
      // Redrawn every second: an events list the operator opened stays open.
      const wasOpen = cores.querySelector('details')?.open === true;
      const events = recentEvents(status);
      if (events !== null && wasOpen) events.setAttribute('open', '');
      cores.replaceChildren(coresTable(status, rollout), events ?? '');
      chart.replaceChildren(
        throughputChart(samples),
        el('figcaption', {}, el('span', { class: 'key key-in' }, 'into the pipeline'), ' ', el('span', { class: 'key key-out' }, 'reaching exporters'), ' (items/s, last 5 minutes)'),
      );
    },
    showAnswer(text, ok) {
      answer.className = `answer ${ok ? 'tone-good' : 'tone-bad'}`;
      answer.textContent = text;
    },
  };
}
