// The pipeline editor: a modal dialog with the pipeline's committed config as YAML, a dry run that shows the plan and
// the diff, and apply. The admin API takes JSON: the YAML is parsed here (with the `yaml` package's browser build,
// served by the engine) and sent as the `pipeline` of a PUT. JSON is YAML too, so JSON typed in works the same.
import { call, pipelinePath, Unauthorized } from './api.js';
import { el } from './dom.js';
import { committedConfig, type ApiAnswer, type PipelineDescription } from './types.js';

interface Yaml {
  parse(source: string): unknown;
  stringify(value: unknown): string;
}

let yaml: Promise<Yaml> | undefined;
function loadYaml(): Promise<Yaml> {
  yaml ??= import('./vendor/yaml/index.js');
  return yaml;
}

export interface Editor {
  open(key: string): Promise<void>;
}

interface PlanAnswer {
  action?: string;
  plan?: { cores?: Array<{ coreId: number; step: string }> };
  diff?: Array<{ path: string; op: string; from?: unknown; to?: unknown }>;
}

function describeDryRun(answer: ApiAnswer): HTMLElement[] {
  const body = answer.body as PlanAnswer;
  if (answer.status !== 200 || body.plan === undefined) return [];
  const value = (v: unknown): string => (v === undefined ? '' : JSON.stringify(v));
  return [
    el('h3', {}, `Plan: ${body.action ?? '?'}`),
    el('ul', { class: 'plan' }, ...(body.plan.cores ?? []).map((c) => el('li', {}, `core ${c.coreId}: ${c.step}`))),
    el('h3', {}, `Diff (${body.diff?.length ?? 0} changes)`),
    el(
      'ul',
      { class: 'diff' },
      ...(body.diff ?? []).map((d) =>
        el('li', { class: `diff-${d.op}` }, el('code', {}, d.path), ` ${d.op} `, d.op !== 'add' ? el('del', {}, value(d.from)) : '', d.op !== 'remove' ? el('ins', {}, value(d.to)) : ''),
      ),
    ),
  ];
}

/** `onApplied` hears of each accepted change (the rollout record the API answered). */
export function createEditor(onUnauthorized: () => void, onApplied: (rollout: unknown) => void): Editor {
  const title = el('h2', { id: 'editor-title' }, 'Edit pipeline');
  const text = el('textarea', { id: 'editor-text', rows: 24, spellcheck: false, autocomplete: 'off', 'aria-describedby': 'editor-help' });
  const help = el('p', { id: 'editor-help', class: 'help' }, 'The pipeline as under groups.<group>.pipelines.<pipeline>, in YAML or JSON. Values shown as ***redacted*** are secrets: type them again before applying.');
  const result = el('div', { class: 'editor-result', 'aria-live': 'polite' });
  const dryRun = el('button', { type: 'button' }, 'Dry run');
  const apply = el('button', { type: 'button', class: 'primary' }, 'Apply');
  const close = el('button', { type: 'button' }, 'Close');
  const dialog = el(
    'dialog',
    { class: 'editor', 'aria-labelledby': 'editor-title' },
    title,
    el('label', { for: 'editor-text' }, 'Pipeline config'),
    help,
    text,
    el('div', { class: 'actions' }, dryRun, apply, close),
    result,
  );
  document.body.append(dialog);
  let current: [string, string] | undefined;

  const show = (answer: ApiAnswer | string, extra: HTMLElement[] = []): void => {
    const shown = typeof answer === 'string' ? answer : `HTTP ${answer.status}\n${JSON.stringify(answer.body, null, 2)}`;
    const ok = typeof answer !== 'string' && answer.status < 300;
    result.replaceChildren(...extra, el('pre', { class: ok ? 'tone-good' : 'tone-bad', 'data-status': typeof answer === 'string' ? '' : answer.status }, shown));
  };

  const send = async (dry: boolean): Promise<void> => {
    if (current === undefined) return;
    let pipeline: unknown;
    try {
      pipeline = (await loadYaml()).parse(text.value);
    } catch (error) {
      show(`Not valid YAML: ${(error as Error).message}`);
      return;
    }
    if (typeof pipeline !== 'object' || pipeline === null || Array.isArray(pipeline)) {
      show('The config must be a mapping (nodes, connections, policies…).');
      return;
    }
    try {
      const answer = await call('PUT', `${pipelinePath(...current)}?${dry ? 'dry_run=true' : 'wait=false'}`, { pipeline });
      show(answer, dry ? describeDryRun(answer) : []);
      if (!dry && answer.status < 300) onApplied(answer.body);
    } catch (error) {
      if (error instanceof Unauthorized) onUnauthorized();
      else show(`The request failed: ${(error as Error).message}`);
    }
  };
  dryRun.addEventListener('click', () => void send(true));
  apply.addEventListener('click', () => void send(false));
  close.addEventListener('click', () => dialog.close());

  return {
    async open(key) {
      const at = key.indexOf(':');
      current = [key.slice(0, at), key.slice(at + 1)];
      title.textContent = `Edit ${current[0]} / ${current[1]}`;
      result.replaceChildren();
      text.value = 'Loading…';
      dialog.showModal();
      try {
        const [answer, parser] = await Promise.all([call('GET', pipelinePath(...current)), loadYaml()]);
        const config = committedConfig(answer.body as PipelineDescription);
        text.value = answer.status === 200 ? parser.stringify(config) : '';
        if (answer.status !== 200) show(answer);
        text.focus();
      } catch (error) {
        if (error instanceof Unauthorized) onUnauthorized();
        else show(`Could not load the config: ${(error as Error).message}`);
      }
    },
  };
}
