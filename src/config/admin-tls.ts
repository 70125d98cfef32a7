// `engine.http_admin.tls`: the admin API over HTTPS (ours; upstream's admin API is plain HTTP). The files are read
// when the engine starts, not when a config is validated, so a config can be checked on another machine.
import Joi from 'joi';

const path = Joi.string().trim().min(1);

export const adminTlsSchema = Joi.object({
  /** The server certificate (PEM, the chain after it). */
  cert_file: path.required(),
  /** Its private key (PEM). */
  key_file: path.required(),
  /** When set, every client must present a certificate this CA bundle (PEM) issued: mutual TLS. */
  client_ca_file: path,
});
