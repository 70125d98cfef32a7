// Reading and checking PEM material, with errors that name the field and the file, never their content (a key is a
// secret, and error messages are logged and reported as status).
import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import tls from 'node:tls';

/** Certificate chains and keys are a few KiB; a larger file is a wrong path, not a certificate (upstream's limit too). */
const MAX_TLS_FILE_BYTES = 4 * 1024 * 1024;

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Where Linux distributions keep the system's CA bundle (the paths OpenSSL-based tools probe). */
const SYSTEM_CA_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/ca-bundle.pem',
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
  '/etc/ssl/cert.pem',
];

/** `field path: reason`; relative paths are relative to the engine's working directory, as upstream's. */
export function readTlsFile(field: string, path: string): Buffer {
  try {
    const size = statSync(path).size;
    if (size > MAX_TLS_FILE_BYTES) throw new Error(`${size} bytes is larger than a TLS file can be (${MAX_TLS_FILE_BYTES})`);
    return readFileSync(path);
  } catch (error) {
    throw new Error(`${field} ${path}: ${describe(error)}`);
  }
}

/** Throws unless `pem` holds at least one certificate and every certificate in it parses. */
export function validCertificates(what: string, pem: Buffer): void {
  const blocks = pem.toString('latin1').match(CERTIFICATE_BLOCK) ?? [];
  if (blocks.length === 0) throw new Error(`${what}: no PEM certificate in it`);
  blocks.forEach((block, i) => {
    try {
      new X509Certificate(block);
    } catch (error) {
      throw new Error(`${what}: certificate ${i + 1} does not parse (${describe(error)})`);
    }
  });
}

/** Throws unless the key loads and belongs to the certificate (OpenSSL checks both when it builds the context). */
export function validIdentity(keyWhat: string, options: tls.SecureContextOptions): void {
  try {
    tls.createSecureContext(options);
  } catch (error) {
    throw new Error(`${keyWhat}: not a usable private key for the certificate (${describe(error)})`);
  }
}

let systemCas: readonly string[] | undefined;

/**
 * The operating system's CA certificates: SSL_CERT_FILE when set, else the distribution's bundle; Node's own root
 * store when neither exists. Read once per process.
 */
export function systemCaCertificates(): readonly string[] {
  if (systemCas !== undefined) return systemCas;
  const candidates = [process.env.SSL_CERT_FILE, ...SYSTEM_CA_BUNDLES].filter((p): p is string => p !== undefined && p !== '');
  for (const file of candidates) {
    try {
      const blocks = readFileSync(file, 'latin1').match(CERTIFICATE_BLOCK);
      if (blocks !== null && blocks.length > 0) return (systemCas = blocks);
    } catch {
      // Not on this system: try the next place.
    }
  }
  return (systemCas = tls.rootCertificates);
}

function describe(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return 'no such file';
  if (e.code === 'EACCES') return 'permission denied';
  if (e.code === 'EISDIR') return 'is a directory';
  return e.message ?? String(error);
}
