// receiver:otlp configuration: sizes as the schema accepts them, defaults, and the listeners it asks the supervisor for.
import { describe, expect, it } from 'vitest';
import { otlpReceiver } from '../../src/nodes/receivers/otlp/descriptor.js';
import { parseByteSize } from '../../src/config/duration.js';

describe('receiver:otlp config', () => {
  it.each([
    [1234, 1234],
    ['512', 512],
    ['4MiB', 4 * 1024 * 1024],
    ['4 MiB', 4 * 1024 * 1024],
    ['1.5KiB', 1536],
    ['4MB', 4_000_000],
    ['2GiB', 2 * 1024 ** 3],
    ['10B', 10],
  ])('parses %s as %d bytes', (input, bytes) => {
    expect(parseByteSize(input)).toBe(bytes);
  });

  it('refuses a size it cannot read', () => {
    expect(() => parseByteSize('4 lots')).toThrow(/not a byte size/);
  });

  it('defaults both limits to 4MiB and lists one listener per protocol', () => {
    const { value, error } = otlpReceiver.configSchema.validate({
      protocols: { grpc: { listening_addr: '127.0.0.1:4317' }, http: { listening_addr: '127.0.0.1:4318' } },
    });
    expect(error).toBeUndefined();
    expect(value.protocols.grpc.max_recv_msg_size).toBe(4 * 1024 * 1024);
    expect(value.protocols.http.max_request_body_size).toBe(4 * 1024 * 1024);
    expect(otlpReceiver.listeners!('ingest', value)).toEqual([
      { id: 'ingest/grpc', protocol: 'grpc', address: '127.0.0.1:4317' },
      { id: 'ingest/http', protocol: 'http', address: '127.0.0.1:4318' },
    ]);
  });

  it('needs at least one protocol', () => {
    expect(otlpReceiver.configSchema.validate({ protocols: {} }).error).toBeDefined();
  });
});
