// Reads our event names back out of upstream's ObservedEvent objects in a core's `recentEvents`: lifecycle events are
// `{ Engine: { …, event } }`, the others `{ Log: { record: { event, … } } }`.
import type { ObservedEvent } from '../../src/state/status-types.js';

export interface NamedEvent {
  event: string;
  time: string;
  message?: string;
}

export function namedEvents(events: readonly ObservedEvent[] | undefined): NamedEvent[] {
  return (events ?? []).map((e) => {
    if ('Engine' in e) return { event: e.Engine.event, time: e.Engine.time, ...(e.Engine.message !== undefined ? { message: e.Engine.message } : {}) };
    const { record } = e.Log;
    return { event: String(record.event), time: e.Log.time, ...(typeof record.message === 'string' ? { message: record.message } : {}) };
  });
}
