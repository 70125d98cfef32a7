// Where an OTLP/gRPC exporter connects: `host:port`, or a URL whose scheme only says whether to use TLS. gRPC paths are
// fixed by the service, so a URL with a path, query or credentials is refused rather than silently ignored.
// Shared by the config schema and the exporter, so it must not import joi.

export interface GrpcTarget {
  /** `host:port` as grpc-js takes it (IPv6 literals in brackets). */
  address: string;
  tls: boolean;
}

const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})$/;
const DEFAULT_PORT = { http: 80, https: 443 } as const;

/** Throws an Error whose message says what is wrong (it becomes the config error). */
export function parseGrpcEndpoint(endpoint: string): GrpcTarget {
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(endpoint)) return fromUrl(endpoint);
  const match = HOST_PORT.exec(endpoint);
  if (!match) throw new Error('must be host:port, http://host:port or https://host:port');
  checkPort(Number(match[2]));
  return { address: endpoint, tls: false };
}

function fromUrl(endpoint: string): GrpcTarget {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error('is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('must use the http or https scheme');
  if (url.hostname === '') throw new Error('has no host');
  if (url.username !== '' || url.password !== '') throw new Error('must not carry credentials (use headers)');
  if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '') {
    throw new Error('must not have a path, query or fragment (gRPC service paths are fixed)');
  }
  const tls = url.protocol === 'https:';
  // URL drops a port equal to the scheme's default; it is put back so grpc-js never guesses.
  const port = url.port === '' ? DEFAULT_PORT[tls ? 'https' : 'http'] : Number(url.port);
  checkPort(port);
  return { address: `${url.hostname}:${port}`, tls };
}

function checkPort(port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error('has a port outside 1..65535');
}
