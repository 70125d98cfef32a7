import Joi from 'joi';
import type { NodeDescriptor } from '../../descriptor.js';

export interface FanoutProcessorConfig {
  /** Output ports; every message goes out on each of them. */
  outputs: string[];
}

/** Letters, digits, `_`, `.` and `-`: a name that reads the same in `node["port"]` and `node['port']`. */
export const PORT_NAME = /^[A-Za-z0-9_.-]+$/;

export const fanoutProcessor: NodeDescriptor = {
  urn: 'urn:otel:processor:fanout',
  kind: 'processor',
  configSchema: Joi.object({
    outputs: Joi.array()
      .items(Joi.string().pattern(PORT_NAME, 'port name (letters, digits, _ . -)'))
      .min(1)
      .unique()
      .required(),
  }),
  outputPorts: (config) => [...((config as Partial<FanoutProcessorConfig>).outputs ?? [])],
};
