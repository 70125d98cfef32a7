import Joi from 'joi';
import type { NodeDescriptor } from '../../../config/catalog.js';
import type { ListenerSpec } from '../../../pipeline/node.js';
import { listenAddress } from '../../../config/common-schemas.js';

export interface SyslogCefReceiverConfig {
  /** Exactly one of the two. */
  protocol: { tcp?: { listening_addr: string }; udp?: { listening_addr: string } };
  batch: {
    /** A batch goes on after this many milliseconds even when not full. */
    max_batch_duration_ms: number;
    /** A batch goes on when it holds this many records. */
    max_size: number;
  };
}

const tlsUnsupported = Joi.any()
  .custom((_value, helpers) => helpers.error('otap.tlsUnsupported'))
  .messages({
    'otap.tlsUnsupported': '{{#label}}: syslog over TLS (RFC 5425) is not supported by this engine yet; remove it to receive plain TCP',
  });

export const syslogCefReceiver: NodeDescriptor = {
  urn: 'urn:otel:receiver:syslog_cef',
  kind: 'receiver',
  configSchema: Joi.object({
    protocol: Joi.object({
      tcp: Joi.object({ listening_addr: listenAddress.required(), tls: tlsUnsupported }),
      udp: Joi.object({ listening_addr: listenAddress.required() }),
    })
      .xor('tcp', 'udp')
      .required(),
    // `batch:` left empty (null) means the defaults, as upstream reads it.
    batch: Joi.object({
      max_batch_duration_ms: Joi.number().integer().min(1).empty(null).default(100),
      // Upstream holds it in a u16.
      max_size: Joi.number().integer().min(1).max(65535).empty(null).default(100),
    })
      .empty(null)
      .default(),
  }),
  listeners(name, config): ListenerSpec[] {
    const { protocol } = config as unknown as SyslogCefReceiverConfig;
    if (protocol.tcp) return [{ id: `${name}/tcp`, protocol: 'tcp', address: protocol.tcp.listening_addr }];
    if (protocol.udp) return [{ id: `${name}/udp`, protocol: 'udp', address: protocol.udp.listening_addr }];
    return [];
  },
};
