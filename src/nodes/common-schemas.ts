// Joi pieces shared by node config schemas.
import Joi from 'joi';

/** `host:port` with a port 0..65535; IPv6 hosts in brackets (`[::1]:4317`). */
export const listenAddress = Joi.string()
  .pattern(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})$/, 'host:port')
  .custom((value: string, helpers) => {
    const port = Number(value.slice(value.lastIndexOf(':') + 1));
    // The pattern rule reports a missing port; only a present, too-large one is this rule's business.
    return !Number.isInteger(port) || port <= 65535 ? value : helpers.error('any.invalid');
  })
  .messages({ 'any.invalid': '{{#label}} has a port above 65535' });

/** `250ms`, `30s`, `1m`, `1h`. */
export const duration = Joi.string().pattern(/^[0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h)$/, 'duration (250ms, 30s, 1m)');

/** A byte size: a number, or `64MiB`, `512KiB`, `4MB`. */
export const byteSize = Joi.alternatives(
  Joi.number().integer().min(0),
  Joi.string().pattern(/^[0-9]+(\.[0-9]+)?\s*(B|KB|KiB|MB|MiB|GB|GiB)?$/, 'size (64MiB)'),
);

export const httpUrl = Joi.string().uri({ scheme: ['http', 'https'] });
