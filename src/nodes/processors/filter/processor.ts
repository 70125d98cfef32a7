// processor:filter: drops log records, spans and metrics by upstream's include and exclude rules (rules.ts), and whole
// signals by this engine's `signals`. A signal without rules is passed on as it came, without looking inside; one with
// rules is looked into on the wire (wire-filter.ts: the kept records' bytes are copied, none is decoded), or decoded
// with protobufjs (decode.ts) for a request the byte path does not handle, which gives the same result. A message from
// which nothing was dropped goes on as it came; one left with no record is not sent on at all.
import type { NodeContext, NodeInstance, Processor } from '../../../pipeline/node.js';
import type { PData, Signal } from '../../../pipeline/pdata.js';
import { NotOnWire } from '../../../pdata/wire-reader.js';
import type { FilterProcessorConfig } from './config.js';
import { decodeFilter, type FilterOutcome } from './decode.js';
import { compileFilter, type FilterRules } from './rules.js';
import { wireFilter, type WireFilter } from './wire-filter.js';

export interface FilterStats {
  /** Items (log records, spans, data points) this node dropped on purpose, since it was created. */
  filtered: number;
  bySignal: Record<Signal, number>;
}

/** What the filter does with a message of a signal: nothing, drop it, or look inside. */
type Plan = 'pass' | 'drop' | 'inspect';

/**
 * How a message is looked into: on the wire with a fallback to decoding (the default), or only one way. `wire` throws
 * NotOnWire for a request the byte path does not handle; both it and `decode` exist to compare the two paths.
 */
export type FilterPath = 'auto' | 'wire' | 'decode';

export function filterSettings(config: Partial<FilterProcessorConfig>): FilterRules {
  return compileFilter(config);
}

export class FilterProcessor implements Processor {
  private readonly plans: Record<Signal, Plan>;
  private readonly counts: Record<Signal, number> = { logs: 0, traces: 0, metrics: 0 };
  private readonly wire: Record<Signal, WireFilter> | undefined;

  constructor(
    private readonly rules: FilterRules,
    private readonly path: FilterPath = 'auto',
  ) {
    const plan = (signal: Signal, ruled: boolean): Plan => (!rules.keep[signal] ? 'drop' : ruled ? 'inspect' : 'pass');
    this.plans = {
      logs: plan('logs', rules.logs.include !== undefined || rules.logs.exclude !== undefined),
      traces: plan('traces', rules.traces.include !== undefined || rules.traces.exclude !== undefined),
      metrics: plan('metrics', rules.metrics.include?.names !== undefined || rules.metrics.exclude?.names !== undefined),
    };
    this.wire = path === 'decode' ? undefined : { logs: wireFilter('logs', rules), traces: wireFilter('traces', rules), metrics: wireFilter('metrics', rules) };
  }

  /**
   * Items dropped on purpose. The runtime's counters (received, sent, refused, dropped, failed) have no place for
   * them and a NodeContext has no way to report them, so they are kept here.
   */
  stats(): FilterStats {
    const { logs, traces, metrics } = this.counts;
    return { filtered: logs + traces + metrics, bySignal: { logs, traces, metrics } };
  }

  process(pdata: PData, ctx: NodeContext): Promise<void> | void {
    switch (this.plans[pdata.signal]) {
      case 'pass':
        return ctx.emit(pdata);
      case 'drop':
        this.counts[pdata.signal] += pdata.items;
        return;
      case 'inspect': {
        const out = this.inspect(pdata);
        return out === undefined ? undefined : ctx.emit(out);
      }
    }
  }

  /** The message to send on (`pdata` itself when nothing was dropped), or undefined when nothing is left. */
  private inspect(pdata: PData): PData | undefined {
    let outcome: FilterOutcome | undefined;
    if (this.wire !== undefined) {
      try {
        outcome = this.wire[pdata.signal](pdata.payload);
      } catch (error) {
        if (!(error instanceof NotOnWire) || this.path === 'wire') throw error;
      }
    }
    if (outcome === undefined) {
      try {
        outcome = decodeFilter(this.rules, pdata);
      } catch (error) {
        // Thrown: the runtime counts the items as failed and reports it.
        throw new Error(`processor:filter: cannot decode the ${pdata.signal} request: ${(error as Error).message}`);
      }
    }
    this.counts[pdata.signal] += outcome.dropped;
    if (outcome.empty) return undefined;
    if (outcome.payload === undefined) return pdata;
    return { ...pdata, payload: outcome.payload, items: outcome.kept };
  }
}

export function createFilterProcessor(_name: string, config: Record<string, unknown>): NodeInstance {
  return { kind: 'processor', node: new FilterProcessor(filterSettings(config as Partial<FilterProcessorConfig>)) };
}
