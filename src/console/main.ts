// The console's entry point: asks for the admin token when the engine wants one (and shows nothing of the engine
// before), then follows the engine through its event stream and draws every group and pipeline.
import { call, pipelinePath, readEvents, storedToken, storeToken, Unauthorized } from './api.js';
import { el } from './dom.js';
import { createEditor } from './editor.js';
import { historyTable } from './history.js';
import { logsPanel } from './logs-view.js';
import { pipelineCard, type PipelineAction, type PipelineCard } from './pipeline-view.js';
import { splitKey, Store } from './store.js';
import type { EngineStatus, LogsEvent, OperationEntry, PipelineDescription, RolloutStatus, ShutdownStatus } from './types.js';

const RECONNECT_MS = 2000;

const main = document.getElementById('main')!;
const connection = document.getElementById('connection')!;
const signOut = document.getElementById('sign-out') as HTMLButtonElement;
/** The latest action's answer, page-wide: a deleted pipeline's card (where answers show) goes away with it. */
const notice = document.getElementById('notice')!;

let store = new Store();
let cards = new Map<string, PipelineCard>();
let groups: string[] = [];
let stream: AbortController | undefined;
const logs = logsPanel();
const loading = new Set<string>();

function setConnection(text: string): void {
  connection.textContent = text;
}

function askForToken(message: string): void {
  stream?.abort();
  stream = undefined;
  store = new Store();
  cards = new Map();
  groupSections.clear();
  signOut.hidden = true;
  setConnection('Not signed in');
  const input = el('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'current-password', required: true, 'aria-describedby': 'token-help' });
  const form = el(
    'form',
    { class: 'token-form', 'aria-labelledby': 'token-title' },
    el('h2', { id: 'token-title' }, 'Admin token'),
    el('p', { id: 'token-help' }, message),
    el('label', { for: 'token' }, 'Token'),
    input,
    el('button', { type: 'submit', class: 'primary' }, 'Sign in'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    storeToken(input.value.trim());
    void start();
  });
  main.replaceChildren(form);
  input.focus();
}

const editor = createEditor(
  () => askForToken('The token was refused: enter it again.'),
  (rollout) => {
    if (typeof rollout === 'object' && rollout !== null && 'rolloutId' in rollout) store.applyRollout(rollout as RolloutStatus);
    render();
  },
);

function answerText(status: number, body: unknown): string {
  return `HTTP ${status}: ${JSON.stringify(body)}`;
}

async function act(key: string, action: PipelineAction): Promise<void> {
  if (action === 'edit') return editor.open(key);
  const card = cards.get(key);
  const [group, pipeline] = splitKey(key);
  if ((action === 'shutdown' || action === 'delete') && !window.confirm(`${action === 'delete' ? 'Delete' : 'Shut down'} ${group}/${pipeline}?`)) return;
  try {
    const path = pipelinePath(group, pipeline);
    const answer =
      action === 'shutdown' ? await call('POST', `${path}/shutdown`) : action === 'start' ? await call('POST', `${path}/start`) : await call('DELETE', path);
    card?.showAnswer(answerText(answer.status, answer.body), answer.status < 300);
    notice.textContent = `${action} ${group}/${pipeline}: HTTP ${answer.status}`;
    const body = answer.body as Partial<ShutdownStatus & RolloutStatus> & { shutdown?: ShutdownStatus };
    // A shutdown answers its ShutdownStatus; a delete (waited, as upstream's) its PipelineDeleteStatus with the drain inside.
    const shutdown = typeof body.shutdownId === 'string' ? (body as ShutdownStatus) : body.shutdown;
    // The event stream follows the operation from here (event `operation`); its answer shows it at once.
    if (answer.status < 300 && shutdown !== undefined) {
      store.applyShutdown(shutdown);
    } else if (answer.status < 300 && typeof body.rolloutId === 'string') {
      store.applyRollout(body as RolloutStatus);
    }
    render();
  } catch (error) {
    if (error instanceof Unauthorized) askForToken('The token was refused: enter it again.');
    else card?.showAnswer(`The request failed: ${(error as Error).message}`, false);
  }
}

/** The config of each pipeline, fetched again when its active generation changes (a replace changes the graph). */
function loadDescriptions(status: EngineStatus): void {
  for (const [key, pipeline] of Object.entries(status.pipelines)) {
    const known = store.descriptions.get(key);
    if ((known !== undefined && known.activeGeneration === pipeline.activeGeneration) || loading.has(key)) continue;
    loading.add(key);
    call('GET', pipelinePath(...splitKey(key)))
      .then((answer) => {
        if (answer.status === 200) store.descriptions.set(key, answer.body as PipelineDescription);
        render();
      })
      .catch(() => undefined)
      .finally(() => loading.delete(key));
  }
}

async function loadGroups(): Promise<void> {
  const answer = await call('GET', '/api/v1/config');
  const config = answer.body as { groups?: Record<string, unknown> };
  if (answer.status === 200 && config.groups !== undefined) groups = Object.keys(config.groups);
}

/**
 * Makes `parent`'s children exactly `wanted`, in order, moving only what is out of place: a node taken out of the
 * document loses keyboard focus, so nodes already in place must stay untouched.
 */
function syncChildren(parent: Element, wanted: Element[]): void {
  wanted.forEach((child, i) => {
    if (parent.children[i] !== child) parent.insertBefore(child, parent.children[i] ?? null);
  });
  while (parent.children.length > wanted.length) parent.lastElementChild!.remove();
}

const groupSections = new Map<string, { section: HTMLElement; body: HTMLElement }>();

function groupSection(group: string): { section: HTMLElement; body: HTMLElement } {
  let known = groupSections.get(group);
  if (known === undefined) {
    const body = el('div', { class: 'cards' });
    const section = el('section', { class: 'group', 'data-group': group, 'aria-label': `Group ${group}` }, el('h2', {}, `Group ${group}`), body);
    known = { section, body };
    groupSections.set(group, known);
  }
  return known;
}

function render(): void {
  const status = store.status;
  if (status === undefined) return;
  const keys = Object.keys(status.pipelines).sort();
  const groupNames = [...new Set([...groups, ...keys.map((k) => splitKey(k)[0])])].sort();
  for (const key of [...cards.keys()]) if (!keys.includes(key)) cards.delete(key);
  for (const group of [...groupSections.keys()]) if (!groupNames.includes(group)) groupSections.delete(group);
  const sections = groupNames.map((group) => {
    const { section, body } = groupSection(group);
    const items = keys
      .filter((k) => splitKey(k)[0] === group)
      .map((key) => {
        let card = cards.get(key);
        if (card === undefined) {
          card = pipelineCard(key, (k, a) => void act(k, a));
          cards.set(key, card);
        }
        card.update({
          key,
          status: status.pipelines[key]!,
          description: store.descriptions.get(key),
          rollout: store.rollouts.get(key),
          activity: store.activity.get(key),
          samples: store.samples.get(key) ?? [],
        });
        return card.element;
      });
    syncChildren(body, items.length > 0 ? items : [el('p', {}, 'No pipelines.')]);
    return section;
  });
  let pipelines = document.getElementById('pipelines');
  let history = document.getElementById('history');
  if (pipelines === null || history === null || !main.contains(pipelines)) {
    pipelines = el('div', { id: 'pipelines' });
    history = el('section', { id: 'history', 'aria-labelledby': 'history-title' });
    main.replaceChildren(pipelines, history, logs.element);
  }
  syncChildren(pipelines, sections);
  history.replaceChildren(el('h2', { id: 'history-title' }, 'History'), historyTable(store.history));
  logs.update(store.logs, store.logsVersion);
}

async function follow(controller: AbortController): Promise<void> {
  while (!controller.signal.aborted) {
    try {
      await readEvents(
        {
          onOpen: () => {
            setConnection('Live');
            store.resetLogs();
            void loadGroups().catch(() => undefined);
          },
          onEvent: (event, data) => {
            if (event === 'status') {
              store.applyStatus(data as EngineStatus);
              loadDescriptions(data as EngineStatus);
            } else if (event === 'rollout') {
              store.applyRollout(data as RolloutStatus);
            } else if (event === 'operation') {
              store.applyOperation(data as OperationEntry);
            } else if (event === 'logs') {
              store.applyLogs(data as LogsEvent);
            }
            render();
          },
        },
        controller.signal,
      );
      setConnection('Disconnected: reconnecting…');
    } catch (error) {
      if (error instanceof Unauthorized) return askForToken(storedToken() === null ? 'This engine asks for its admin token.' : 'The token was refused: enter it again.');
      if (controller.signal.aborted) return;
      setConnection(`Disconnected (${(error as Error).message}): reconnecting…`);
    }
    await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
  }
}

async function start(): Promise<void> {
  setConnection('Connecting…');
  stream?.abort();
  const controller = new AbortController();
  stream = controller;
  signOut.hidden = storedToken() === null;
  main.replaceChildren(el('p', {}, 'Connecting to the engine…'));
  await follow(controller);
}

signOut.addEventListener('click', () => {
  storeToken(null);
  askForToken('Signed out. Enter the admin token to continue.');
});

void start();
