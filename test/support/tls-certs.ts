// Certificates made in the test, with the openssl command line (installed by .ci/run): a CA, a server certificate for
// 127.0.0.1 / localhost / a chosen name, and a client certificate, all signed by that CA. Real files, real keys; each
// call makes a fresh directory so that two tests never share a key.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CertFiles {
  dir: string;
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

export interface CertOptions {
  /** Extra DNS names of the server certificate, beside localhost. */
  serverNames?: string[];
  /** Subject CN of the server certificate; a rotated certificate gets another one so a test can tell them apart. */
  serverCommonName?: string;
  days?: number;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A CA with server and client certificates in a new temporary directory. */
export function makeCertificates(options: CertOptions = {}): CertFiles {
  const dir = mkdtempSync(join(tmpdir(), 'otap-engine-tls-'));
  const days = String(options.days ?? 2);
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key',
    '-out', 'ca.crt', '-days', days, '-subj', '/CN=otap-engine test CA'], dir);
  const files: CertFiles = {
    dir,
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    serverCert: join(dir, 'server.crt'),
    serverKey: join(dir, 'server.key'),
    clientCert: join(dir, 'client.crt'),
    clientKey: join(dir, 'client.key'),
  };
  const names = ['localhost', ...(options.serverNames ?? [])].map((n) => `DNS:${n}`);
  issue(dir, 'server', options.serverCommonName ?? 'otap-engine test server', days,
    `subjectAltName=IP:127.0.0.1,${names.join(',')}\nextendedKeyUsage=serverAuth\n`);
  issue(dir, 'client', 'otap-engine test client', days, 'extendedKeyUsage=clientAuth\n');
  return files;
}

/**
 * A new server certificate and key from the same CA, written over the old files (as a certificate manager would),
 * with another common name. Returns that name.
 */
export function rotateServerCertificate(files: CertFiles, commonName: string): string {
  issue(files.dir, 'server', commonName, '2', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  return commonName;
}

function issue(dir: string, name: string, commonName: string, days: string, extensions: string): void {
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key.new`,
    '-out', `${name}.csr`, '-subj', `/CN=${commonName}`], dir);
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
    '-out', `${name}.crt.new`, '-days', days, '-extfile', `${name}.ext`], dir);
  // Key and certificate replace the old pair only once both exist, the way a rotation writes them.
  writeFileSync(join(dir, `${name}.key`), readFileSync(join(dir, `${name}.key.new`)));
  writeFileSync(join(dir, `${name}.crt`), readFileSync(join(dir, `${name}.crt.new`)));
}
