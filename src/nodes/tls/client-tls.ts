// Turns an exporter's `tls` block into what node:tls connects with, when the exporter starts: files are read once, the
// certificates checked by building one secure context (reused by every connection), so that a missing file or a
// certificate that does not match its key fails the start with a message naming it, not every export later.
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import tls from 'node:tls';
import type { ClientTlsConfig } from './client-tls-config.js';

export interface ClientTls {
  /** Options for `tls.connect` and `https.Agent`. */
  options: tls.ConnectionOptions;
  /** False when `insecure_skip_verify` turned certificate checks off: the exporter says so in its log. */
  verifiesServer: boolean;
}

/** A start failure whose message names the setting (and file) at fault, never a secret. */
export class ClientTlsError extends Error {}

/**
 * The TLS settings of an exporter; `config` may be absent (an https:// endpoint with no `tls` block). Without
 * server_name_override the caller's connection names the host it connects to (SNI and certificate check), as
 * node:https does by itself.
 */
export async function loadClientTls(config: ClientTlsConfig | undefined): Promise<ClientTls> {
  const tlsConfig = config ?? {};
  const customCa = [
    ...(tlsConfig.ca_file !== undefined ? [await readSetting('ca_file', tlsConfig.ca_file)] : []),
    ...(tlsConfig.ca_pem !== undefined ? [tlsConfig.ca_pem] : []),
  ];
  const includeSystem = tlsConfig.include_system_ca_certs_pool ?? true;
  if (!includeSystem && customCa.length === 0) throw new ClientTlsError('tls: no certificate authority to trust (set ca_file or ca_pem)');
  // Node's own roots stand in for the system pool; naming a CA replaces them unless they are listed too.
  const ca = customCa.length === 0 ? undefined : includeSystem ? [...tls.rootCertificates, ...customCa] : customCa;
  const cert = tlsConfig.cert_file !== undefined ? await readSetting('cert_file', tlsConfig.cert_file) : tlsConfig.cert_pem;
  const key = tlsConfig.key_file !== undefined ? await readSetting('key_file', tlsConfig.key_file) : tlsConfig.key_pem;
  if ((cert === undefined) !== (key === undefined)) {
    throw new ClientTlsError('tls: a client certificate needs its key (cert_file/cert_pem with key_file/key_pem)');
  }
  let secureContext: tls.SecureContext;
  try {
    secureContext = tls.createSecureContext({ ca, cert, key });
  } catch (error) {
    // OpenSSL's reason (no start line, key values mismatch...) names the problem without quoting the key.
    throw new ClientTlsError(`tls: the configured certificates cannot be used: ${(error as Error).message}`);
  }
  const options: tls.ConnectionOptions = { secureContext };
  const override = tlsConfig.server_name_override;
  if (override !== undefined) {
    // SNI carries DNS names only (RFC 6066); an IP address is still checked against the certificate's IP entries.
    if (isIP(override) === 0) options.servername = override;
    options.checkServerIdentity = (_host, peer) => tls.checkServerIdentity(override, peer);
  }
  const verifiesServer = tlsConfig.insecure_skip_verify !== true;
  if (!verifiesServer) options.rejectUnauthorized = false;
  return { options, verifiesServer };
}

async function readSetting(setting: 'ca_file' | 'cert_file' | 'key_file', file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ClientTlsError(`tls.${setting}: cannot read ${JSON.stringify(file)}: ${code ?? (error as Error).message}`);
  }
}
