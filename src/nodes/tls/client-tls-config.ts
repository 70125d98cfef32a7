// The `tls` block of an exporter (upstream's client TLS settings), shared by its schema and its loader. No joi here:
// the loader runs in instances, which never load schemas.

export interface ClientTlsConfig {
  /** PEM bundle of certificate authorities to trust for the server's certificate, read at start. */
  ca_file?: string;
  ca_pem?: string;
  /** The client certificate (mTLS), with its key. */
  cert_file?: string;
  cert_pem?: string;
  key_file?: string;
  /** A secret: redacted wherever the config is shown (src/util/redact.ts). */
  key_pem?: string;
  /** Trust the usual public authorities beside ca_file/ca_pem (default true). */
  include_system_ca_certs_pool?: boolean;
  /** The name the server's certificate must carry, and the SNI sent, instead of the endpoint's host. */
  server_name_override?: string;
  /** Upstream's: plaintext for an http:// endpoint; ignored (with a warning) for https://. */
  insecure?: boolean;
  /** Connect over TLS without checking the server's certificate (logged as a warning at start). */
  insecure_skip_verify?: boolean;
  /** Accepted with a warning: certificates are read once, at start. */
  reload_interval?: string;
}

/** True when the block sets anything that only means something over TLS. */
export function hasTlsMaterial(tls: ClientTlsConfig): boolean {
  return (
    tls.ca_file !== undefined ||
    tls.ca_pem !== undefined ||
    tls.cert_file !== undefined ||
    tls.cert_pem !== undefined ||
    tls.key_file !== undefined ||
    tls.key_pem !== undefined ||
    tls.include_system_ca_certs_pool !== undefined ||
    tls.server_name_override !== undefined ||
    tls.insecure_skip_verify !== undefined
  );
}
