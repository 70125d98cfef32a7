// processor:fault: injects failures for resilience tests (an instance that fails, crashes or hangs at start, or
// crashes after some traffic) and otherwise passes data through unchanged. It can kill its process, so it only runs
// when OTAP_ENGINE_ENABLE_FAULT_INJECTION=1: the config schema refuses it otherwise, and start() checks again.
import { writeSync } from 'node:fs';
import { parseDuration } from '../../../config/duration.js';
import type { NodeContext, NodeInstance, Processor } from '../../../pipeline/node.js';
import type { PData } from '../../../pipeline/pdata.js';
import type { FaultProcessorConfig } from './descriptor.js';
import { FAULT_INJECTION_DISABLED, faultInjectionEnabled } from './enable.js';

/** Exit code of an injected crash (EX_SOFTWARE). */
export const FAULT_CRASH_EXIT_CODE = 70;

export interface FaultSettings {
  start: FaultProcessorConfig['start'];
  startDelayMs: number;
  crashAfterItems: number;
}

const NO_FAULT: FaultSettings = { start: 'ok', startDelayMs: 0, crashAfterItems: 0 };

/** The faults of this instance: none when `cores` names others than the one it runs on (OTAP_ENGINE_CORE). */
export function faultSettings(config: Partial<FaultProcessorConfig>, core = process.env.OTAP_ENGINE_CORE): FaultSettings {
  const cores = config.cores ?? [];
  if (cores.length > 0 && !cores.includes(Number(core))) return NO_FAULT;
  return {
    start: config.start ?? 'ok',
    startDelayMs: parseDuration(config.start_delay ?? '0s'),
    crashAfterItems: config.crash_after_items ?? 0,
  };
}

/** Ends the process like a crash would: no drain, no cleanup, exit code 70. Replaceable in tests. */
export type CrashFn = (reason: string) => never;

export const crashProcess: CrashFn = (reason) => {
  try {
    // Synchronous, so the line is out before the process is.
    writeSync(2, `processor:fault: injected crash (${reason}): exiting with code ${FAULT_CRASH_EXIT_CODE} (pid ${process.pid})\n`);
  } catch {
    // stderr closed: exit anyway.
  }
  process.exit(FAULT_CRASH_EXIT_CODE);
};

export class FaultProcessor implements Processor {
  private itemsPassed = 0;
  private crashed = false;

  constructor(
    private readonly name: string,
    private readonly settings: FaultSettings,
    private readonly crash: CrashFn = crashProcess,
  ) {}

  async start(ctx: NodeContext): Promise<void> {
    if (!faultInjectionEnabled()) throw new Error(FAULT_INJECTION_DISABLED);
    const { start, startDelayMs, crashAfterItems } = this.settings;
    ctx.logger.warn({ start, startDelayMs, crashAfterItems }, 'processor:fault: fault injection is active');
    if (startDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, startDelayMs));
    switch (start) {
      case 'ok':
        return;
      case 'fail':
        throw new Error('fault injected: start failed');
      case 'crash':
        return this.crash(`node ${this.name} at start`);
      case 'hang':
        ctx.logger.warn('processor:fault: start will never complete (injected hang)');
        // Never settles; holds no timer or handle, so it keeps nothing alive by itself.
        return new Promise<void>(() => undefined);
    }
  }

  process(pdata: PData, ctx: NodeContext): Promise<void> | void {
    const { crashAfterItems } = this.settings;
    if (crashAfterItems <= 0) return ctx.emit(pdata);
    return this.passThenMaybeCrash(pdata, ctx, crashAfterItems);
  }

  private async passThenMaybeCrash(pdata: PData, ctx: NodeContext, limit: number): Promise<void> {
    if (this.crashed) return;
    this.itemsPassed += pdata.items;
    await ctx.emit(pdata);
    if (this.itemsPassed >= limit) {
      this.crashed = true;
      this.crash(`node ${this.name} after ${this.itemsPassed} items (crash_after_items: ${limit})`);
    }
  }
}

export function createFaultProcessor(name: string, config: Record<string, unknown>): NodeInstance {
  return { kind: 'processor', node: new FaultProcessor(name, faultSettings(config as Partial<FaultProcessorConfig>)) };
}
