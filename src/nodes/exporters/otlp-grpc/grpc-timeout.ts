// The grpc-timeout header: at most eight digits and a unit (gRPC over HTTP/2), so the server can give up on a call
// its client no longer waits for.

const MAX_VALUE = 99_999_999;

/** `ms` (rounded up, at least 1) in the finest unit that fits eight digits. */
export function grpcTimeout(ms: number): string {
  const millis = Math.max(1, Math.ceil(ms));
  if (millis <= MAX_VALUE) return `${millis}m`;
  const seconds = Math.ceil(millis / 1000);
  if (seconds <= MAX_VALUE) return `${seconds}S`;
  return `${Math.min(MAX_VALUE, Math.ceil(seconds / 3600))}H`;
}
