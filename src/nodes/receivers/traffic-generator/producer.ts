// Makes the messages a traffic generator sends: a template per (signal, size, resource set), encoded once; a fresh
// message is a copy with new times and ids, a pre-generated one the same bytes every time (times and ids repeat,
// as upstream's pre_generated strategy does). Synthetic batches rotate through the resource attribute sets by weight.
import type { PData, Signal } from '../../../pipeline/pdata.js';
import { fillBatch } from './batch.js';
import type { TrafficGeneratorConfig } from './config.js';
import { semconvTemplate } from './semconv.js';
import { syntheticTemplate } from './synthetic.js';
import type { Template } from './template.js';

export class Producer {
  private readonly templates = new Map<string, Template>();
  private readonly replays = new Map<string, PData>();
  /** Index into `rotation` per batch made: entry i of resource_attributes appears weight(i) times in a row. */
  private readonly rotation: number[];
  private batchIndex = 0;

  constructor(private readonly config: TrafficGeneratorConfig) {
    this.rotation = config.data_source === 'synthetic' ? config.resource_attributes.flatMap((set, i) => Array<number>(set.weight).fill(i)) : [];
  }

  /** The next message of `count` signals. */
  next(signal: Signal, count: number, nowMs: number): PData {
    const slot = this.rotation.length === 0 ? -1 : (this.rotation[this.batchIndex % this.rotation.length] as number);
    this.batchIndex++;
    const key = `${signal}:${count}:${slot}`;
    if (this.config.generation_strategy === 'pre_generated') {
      let replay = this.replays.get(key);
      if (!replay) {
        replay = fillBatch(this.template(key, signal, count, slot), nowMs);
        this.replays.set(key, replay);
      }
      // A new object around the same bytes: nodes never write into a payload they were handed.
      return { signal, payload: replay.payload, items: replay.items };
    }
    return fillBatch(this.template(key, signal, count, slot), nowMs);
  }

  /** Encodes the templates of a run up front, so that a config the encoder cannot make fails at start. */
  prepare(batches: ReadonlyArray<readonly [Signal, number]>, nowMs: number): void {
    const slots = this.rotation.length === 0 ? [-1] : [...new Set(this.rotation)];
    const seen = new Set<string>();
    for (const [signal, count] of batches) {
      for (const slot of slots) {
        const key = `${signal}:${count}:${slot}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const template = this.template(key, signal, count, slot);
        if (this.config.generation_strategy === 'pre_generated') this.replays.set(key, fillBatch(template, nowMs));
      }
    }
  }

  private template(key: string, signal: Signal, count: number, slot: number): Template {
    let template = this.templates.get(key);
    if (!template) {
      const { data_source: source, traffic_config: traffic, resource_attributes: sets } = this.config;
      template = source === 'synthetic' ? syntheticTemplate(signal, count, traffic, slot < 0 ? undefined : sets[slot]?.attrs) : semconvTemplate(signal, count);
      this.templates.set(key, template);
    }
    return template;
  }
}
