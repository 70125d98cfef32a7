// The `tls` block of a listening node (upstream's server TLS settings): the certificate and key the server presents,
// and, for mutual TLS, the CAs a client certificate must chain to. Validation checks the shape only: the files are
// read where the engine runs, at start, so a config can be validated where it is written.
import Joi from 'joi';
import { durationDefaulting, noEffect } from '../../config/common-schemas.js';

const path = Joi.string().min(1);
const pem = Joi.string().trim().min(1);

/** How often certificate files are checked for a new version (upstream's default). */
export const DEFAULT_RELOAD_INTERVAL = '5m';
/** How long a client may take to complete its handshake (upstream's default). */
export const DEFAULT_HANDSHAKE_TIMEOUT = '10s';

const reloadInterval = durationDefaulting(DEFAULT_RELOAD_INTERVAL);

export const tlsServerSchema = Joi.object({
  cert_file: path,
  cert_pem: pem,
  key_file: path,
  key_pem: pem,
  client_ca_file: path,
  client_ca_pem: pem,
  // Upstream leaves it unset (false) when omitted; null means the same.
  include_system_ca_certs_pool: Joi.boolean().empty(null).default(false),
  watch_client_ca: Joi.boolean().default(false),
  // Something is re-read from disk only when the certificate or the client CA comes from a file.
  reload_interval: Joi.when('cert_file', {
    is: Joi.exist(),
    then: reloadInterval,
    otherwise: Joi.when('client_ca_file', {
      is: Joi.exist(),
      then: reloadInterval,
      otherwise: noEffect(reloadInterval, 'certificate, key and client CA are inline PEM: there is no file to re-read'),
    }),
  }),
  // Upstream treats null as its default.
  handshake_timeout: durationDefaulting(DEFAULT_HANDSHAKE_TIMEOUT).empty(null),
})
  .oxor('cert_file', 'cert_pem')
  .oxor('key_file', 'key_pem')
  .oxor('client_ca_file', 'client_ca_pem')
  .custom((value: Record<string, unknown>, helpers) => {
    const fromFiles = value.cert_file !== undefined || value.key_file !== undefined;
    const fromPem = value.cert_pem !== undefined || value.key_pem !== undefined;
    if (fromFiles && fromPem) return helpers.error('tls.mixed');
    const complete =
      (value.cert_file !== undefined && value.key_file !== undefined) ||
      (value.cert_pem !== undefined && value.key_pem !== undefined);
    if (!complete) return helpers.error('tls.identity');
    if (value.watch_client_ca === true && value.client_ca_file === undefined) return helpers.error('tls.watch');
    return value;
  })
  .messages({
    'object.oxor': '{{#label}} takes one of {{#peers}}, not both',
    'tls.mixed': '{{#label}}: give the certificate and its key the same way: cert_file with key_file, or cert_pem with key_pem',
    'tls.identity': '{{#label}} needs the server certificate and its key: cert_file and key_file, or cert_pem and key_pem',
    'tls.watch': '{{#label}}: watch_client_ca watches client_ca_file, which is not set',
  });
