// The TLS material of a listening node: the certificate chain and key it presents and, for mutual TLS, the CAs a
// client certificate must chain to. Read when the node starts (a file that cannot be used fails the start, naming the
// field and the file), then read again every `reload_interval` (and on file events with `watch_client_ca`): a changed
// set that loads is used for the handshakes that follow, without a restart; one that does not load leaves the current
// set in use and is logged once, until the files change again.
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import tls from 'node:tls';
import type { Logger } from 'pino';
import { parseDuration } from '../../config/duration.js';
import { readTlsFile, systemCaCertificates, validIdentity, validCertificates } from './pem.js';

/** The validated `tls` block (see server-tls-schema.ts). */
export interface TlsServerSettings {
  cert_file?: string;
  cert_pem?: string;
  key_file?: string;
  key_pem?: string;
  client_ca_file?: string;
  client_ca_pem?: string;
  include_system_ca_certs_pool: boolean;
  watch_client_ca: boolean;
  /** Absent when nothing comes from a file. */
  reload_interval?: string;
  handshake_timeout: string;
}

interface Material {
  cert: Buffer;
  key: Buffer;
  /** The client CA as read (file or PEM); absent without one. */
  clientCa?: Buffer;
}

/** A file-event burst (an editor, an atomic rename) settles before the files are read. */
const WATCH_SETTLE_MS = 50;

export class ServerTlsMaterial {
  /** Whether clients must present a certificate that chains to the configured CAs. */
  readonly mutual: boolean;
  readonly handshakeTimeoutMs: number;
  private current: Material;
  private readonly listeners = new Set<(options: tls.SecureContextOptions) => void>();
  private timer: NodeJS.Timeout | undefined;
  private watcher: FSWatcher | undefined;
  private settle: NodeJS.Timeout | undefined;
  /** The reason the files last failed to load, so the same failure is logged once. */
  private failure: string | undefined;

  /** Reads and checks everything the settings name; throws an Error naming the field and file that failed. */
  constructor(
    private readonly settings: TlsServerSettings,
    /** `protocols.grpc.tls`, for messages. */
    private readonly where: string,
    private readonly logger: Logger,
  ) {
    this.mutual = settings.client_ca_file !== undefined || settings.client_ca_pem !== undefined || settings.include_system_ca_certs_pool;
    this.handshakeTimeoutMs = parseDuration(settings.handshake_timeout);
    const loaded = this.load();
    if (!loaded.ok) throw new Error(`${where}: ${loaded.reason}`);
    this.current = loaded.material;
  }

  /** Starts watching the files for new versions (nothing to do when everything is inline PEM). */
  start(): void {
    const { settings } = this;
    const fromFiles = settings.cert_file !== undefined || settings.client_ca_file !== undefined;
    if (fromFiles && settings.reload_interval !== undefined && this.timer === undefined) {
      this.timer = setInterval(() => this.check(), Math.max(1, parseDuration(settings.reload_interval)));
      this.timer.unref();
    }
    if (settings.watch_client_ca && settings.client_ca_file !== undefined && this.watcher === undefined) {
      // The directory, not the file: certificate managers replace files by renaming a new one over them.
      const file = resolve(settings.client_ca_file);
      this.watcher = watch(dirname(file), (_event, name) => {
        if (name !== null && name !== basename(file)) return;
        clearTimeout(this.settle);
        this.settle = setTimeout(() => this.check(), WATCH_SETTLE_MS);
        this.settle.unref();
      });
      this.watcher.on('error', (error) => this.logger.warn({ err: error, file }, `${this.where}: cannot watch client_ca_file any more; it is still checked every reload_interval`));
      this.watcher.unref();
    }
  }

  /** Options for `tls.createServer` / `setSecureContext`: what the server presents and trusts now. */
  contextOptions(): tls.SecureContextOptions {
    return contextOptionsOf(this.current, this.settings.include_system_ca_certs_pool);
  }

  /** Called with the new options each time a new set of files was loaded. */
  onChange(listener: (options: tls.SecureContextOptions) => void): void {
    this.listeners.add(listener);
  }

  stop(): void {
    clearInterval(this.timer);
    clearTimeout(this.settle);
    this.watcher?.close();
    this.timer = this.watcher = this.settle = undefined;
    this.listeners.clear();
  }

  /** Reads the files again; swaps in what changed if it loads. */
  private check(): void {
    const loaded = this.load();
    if (!loaded.ok) {
      if (loaded.reason !== this.failure) {
        this.logger.error({ reason: loaded.reason }, `${this.where}: new TLS files do not load; the current certificate stays in use`);
      }
      this.failure = loaded.reason;
      return;
    }
    this.failure = undefined;
    const next = loaded.material;
    if (sameMaterial(next, this.current)) return;
    this.current = next;
    const options = this.contextOptions();
    for (const listener of this.listeners) listener(options);
    this.logger.info(
      { cert_file: this.settings.cert_file, client_ca_file: this.settings.client_ca_file },
      `${this.where}: TLS files reloaded; new handshakes use them`,
    );
  }

  private load(): { ok: true; material: Material } | { ok: false; reason: string } {
    const { settings } = this;
    try {
      const cert = settings.cert_file !== undefined ? readTlsFile('cert_file', settings.cert_file) : Buffer.from(settings.cert_pem ?? '');
      const key = settings.key_file !== undefined ? readTlsFile('key_file', settings.key_file) : Buffer.from(settings.key_pem ?? '');
      const clientCa =
        settings.client_ca_file !== undefined
          ? readTlsFile('client_ca_file', settings.client_ca_file)
          : settings.client_ca_pem !== undefined
            ? Buffer.from(settings.client_ca_pem)
            : undefined;
      validCertificates(settings.cert_file !== undefined ? `cert_file ${settings.cert_file}` : 'cert_pem', cert);
      if (clientCa !== undefined) {
        validCertificates(settings.client_ca_file !== undefined ? `client_ca_file ${settings.client_ca_file}` : 'client_ca_pem', clientCa);
      }
      const material: Material = clientCa === undefined ? { cert, key } : { cert, key, clientCa };
      validIdentity(settings.key_file !== undefined ? `key_file ${settings.key_file}` : 'key_pem', contextOptionsOf(material, settings.include_system_ca_certs_pool));
      return { ok: true, material };
    } catch (error) {
      return { ok: false, reason: (error as Error).message };
    }
  }
}

function contextOptionsOf(material: Material, includeSystemCas: boolean): tls.SecureContextOptions {
  const options: tls.SecureContextOptions = { cert: material.cert, key: material.key };
  const ca: (string | Buffer)[] = includeSystemCas ? [...systemCaCertificates()] : [];
  if (material.clientCa !== undefined) ca.push(material.clientCa);
  if (ca.length > 0) options.ca = ca;
  return options;
}

function sameMaterial(a: Material, b: Material): boolean {
  const sameCa = a.clientCa === undefined ? b.clientCa === undefined : b.clientCa !== undefined && a.clientCa.equals(b.clientCa);
  return sameCa && a.cert.equals(b.cert) && a.key.equals(b.key);
}
