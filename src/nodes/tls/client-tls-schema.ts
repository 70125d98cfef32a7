// The `tls` block of a client (an exporter that connects out), with upstream's fields. What can be checked without
// the files is checked here, so that a config that cannot work is refused before anything starts; the files themselves
// are read when the exporter starts (src/nodes/tls/client-tls.ts), so validation never needs them to exist.
import Joi from 'joi';
import { duration, noEffect } from '../../config/common-schemas.js';
import { hasTlsMaterial, type ClientTlsConfig } from './client-tls-config.js';

const PEM = /-----BEGIN [A-Z0-9 ]+-----/;

/** A PEM text; its value is never quoted in a message (a key is a secret). */
const pem = Joi.string()
  .custom((value: string, helpers) => (PEM.test(value) ? value : helpers.error('otap.pem')))
  .messages({ 'otap.pem': '{{#label}} must hold PEM text (-----BEGIN ...-----)' });

const path = Joi.string().trim().min(1);

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}))*\.?$/;

const baseSchema = Joi.object<ClientTlsConfig>({
  ca_file: path,
  ca_pem: pem,
  cert_file: path,
  cert_pem: pem,
  key_file: path,
  key_pem: pem,
  include_system_ca_certs_pool: Joi.boolean(),
  server_name_override: Joi.string()
    .pattern(HOSTNAME)
    .messages({ 'string.pattern.base': '{{#label}} must be a DNS name (the name the server certificate is checked against)' }),
  insecure: Joi.boolean(),
  insecure_skip_verify: Joi.boolean(),
  reload_interval: noEffect(duration, 'an exporter reads its certificate files once, when it starts (as upstream\'s clients do)'),
})
  .oxor('cert_file', 'cert_pem')
  .oxor('key_file', 'key_pem')
  .messages({ 'object.oxor': '{{#label}}: set one of {{#peersWithLabels}}, not both' });

/** The endpoints (as configured) of the exporter that owns this block, found from its ancestors during validation. */
export type EndpointsOf = (ancestors: readonly unknown[]) => string[];

/** True when the endpoint, as upstream reads it, asks for TLS: only an `https://` URL does (no scheme means http). */
export function isHttpsEndpoint(endpoint: string): boolean {
  return /^https:\/\//i.test(endpoint.trim());
}

/**
 * The `tls` block of an exporter whose endpoints `endpointsOf` finds. TLS is used exactly for `https://` endpoints (as
 * upstream decides it); certificate settings on an exporter with none would be silently unused, so they are an error.
 */
export function clientTlsSchema(endpointsOf: EndpointsOf): Joi.ObjectSchema<ClientTlsConfig> {
  return baseSchema
    .custom((value: ClientTlsConfig, helpers) => {
      const problem = trustProblem(value);
      if (problem) return helpers.error('otap.tls', { reason: problem });
      const endpoints = endpointsOf(helpers.state.ancestors as unknown[]);
      const secure = endpoints.some(isHttpsEndpoint);
      if (!secure && endpoints.length > 0 && hasTlsMaterial(value)) {
        return helpers.error('otap.tls', {
          reason: `applies only to https:// endpoints, and ${endpoints.join(', ')} ${endpoints.length > 1 ? 'are' : 'is'} plaintext: use https:// to connect with TLS`,
        });
      }
      if (secure && value.insecure === true) {
        helpers.warn('otap.noEffect', { reason: 'insecure: true is ignored for an https:// endpoint: the connection uses TLS' });
      }
      return value;
    })
    .messages({
      'otap.tls': '{{#label}} {{#reason}}',
      'otap.noEffect': '{{#label}} has no effect in this engine: {{#reason}}',
    });
}

function trustProblem(tls: ClientTlsConfig): string | undefined {
  const cert = tls.cert_file !== undefined || tls.cert_pem !== undefined;
  const key = tls.key_file !== undefined || tls.key_pem !== undefined;
  if (cert !== key) {
    return 'needs both a client certificate (cert_file or cert_pem) and its key (key_file or key_pem), or neither';
  }
  if (tls.include_system_ca_certs_pool === false && tls.ca_file === undefined && tls.ca_pem === undefined) {
    return 'trusts no certificate authority: with include_system_ca_certs_pool: false, set ca_file or ca_pem';
  }
  return undefined;
}
