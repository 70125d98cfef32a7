// Where an OTLP/gRPC exporter connects (`grpc_endpoint`): a URL whose scheme says whether to use TLS (`https://`) or
// not (`http://`); without a scheme `http://` is assumed, as upstream does. gRPC paths are fixed by the service, so a
// URL with a path, query or credentials is refused rather than silently ignored.
// Shared by the config schema and the exporter, so it must not import joi.

export interface GrpcTarget {
  /** Host as the socket connects to it (IPv6 literals without brackets). */
  host: string;
  port: number;
  /** `host:port` as HTTP/2's :authority carries it (IPv6 literals in brackets). */
  authority: string;
  tls: boolean;
}

const DEFAULT_PORT = { http: 80, https: 443 } as const;

/** Throws an Error whose message says what is wrong (it becomes the config error). */
export function parseGrpcEndpoint(endpoint: string): GrpcTarget {
  const text = endpoint.trim();
  if (text === '') throw new Error('is empty: expected a URL like http://host:4317');
  const withScheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(text) ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error('is not a valid URL (http://host:port or https://host:port)');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('must use the http or https scheme');
  if (url.hostname === '') throw new Error('has no host');
  if (url.username !== '' || url.password !== '') throw new Error('must not carry credentials (use headers)');
  if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '') {
    throw new Error('must not have a path, query or fragment (gRPC service paths are fixed)');
  }
  const tls = url.protocol === 'https:';
  // URL drops a port equal to the scheme's default; it is put back so the authority is explicit.
  const port = url.port === '' ? DEFAULT_PORT[tls ? 'https' : 'http'] : Number(url.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error('has a port outside 1..65535');
  return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port, authority: `${url.hostname}:${port}`, tls };
}
