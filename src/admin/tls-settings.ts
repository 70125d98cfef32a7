// The admin API's TLS material, read once when the engine starts: a missing file or a certificate that does not fit
// its key stops the start with a message naming the setting, before anything listens.
import { readFile } from 'node:fs/promises';
import tls from 'node:tls';
import type { AdminTlsConfig } from '../config/types.js';

export interface AdminTls {
  cert: string;
  key: string;
  /** Set for mutual TLS: the CAs whose client certificates are accepted. */
  clientCa?: string;
}

export type AdminTlsSetup = { ok: true; tls: AdminTls | undefined } | { ok: false; message: string };

const SETTING = 'engine.http_admin.tls';

export async function loadAdminTls(config: AdminTlsConfig | undefined): Promise<AdminTlsSetup> {
  if (config === undefined) return { ok: true, tls: undefined };
  try {
    const cert = await read('cert_file', config.cert_file);
    const key = await read('key_file', config.key_file);
    const clientCa = config.client_ca_file === undefined ? undefined : await read('client_ca_file', config.client_ca_file);
    try {
      tls.createSecureContext({ cert, key, ...(clientCa !== undefined ? { ca: clientCa } : {}) });
    } catch (error) {
      // OpenSSL's reason (no start line, key values mismatch) names the problem without quoting the key.
      return { ok: false, message: `${SETTING}: the certificate files cannot be used: ${(error as Error).message}` };
    }
    return { ok: true, tls: { cert, key, ...(clientCa !== undefined ? { clientCa } : {}) } };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

async function read(setting: keyof AdminTlsConfig, file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`${SETTING}.${setting}: cannot read ${JSON.stringify(file)}: ${code ?? (error as Error).message}`);
  }
}
