// receiver:syslog_cef in-process on real sockets: TCP connections handed over as the supervisor hands them, and a
// bound UDP socket given as an instance gets its descriptor. Batching by size and time, backpressure (TCP stops
// reading, UDP drops and counts), malformed input counted and logged once per episode, drain.
import dgram from 'node:dgram';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { syslogCefReceiver } from '../../src/nodes/receivers/syslog-cef/descriptor.js';
import { createSyslogCefReceiver, SyslogCefReceiver } from '../../src/nodes/receivers/syslog-cef/receiver.js';
import { createTestContext, type TestContext } from '../support/otlp-context.js';
import { recordsOf } from './syslog-helpers.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startReceiver(config: Record<string, unknown>): Promise<{ receiver: SyslogCefReceiver; ctx: TestContext }> {
  const validated = syslogCefReceiver.configSchema.validate(config);
  if (validated.error) throw validated.error;
  const instance = createSyslogCefReceiver('syslog', validated.value as Record<string, unknown>);
  if (instance.kind !== 'receiver') throw new Error('not a receiver');
  const receiver = instance.node as SyslogCefReceiver;
  const ctx = createTestContext('syslog');
  await receiver.start(ctx);
  cleanups.push(() => receiver.stop());
  return { receiver, ctx };
}

/** A listening socket that hands each connection to the receiver, as the supervisor does. */
async function tcpFront(receiver: SyslogCefReceiver): Promise<number> {
  const server = net.createServer({ pauseOnConnect: true }, (socket) => receiver.accept('syslog/tcp', socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as net.AddressInfo).port;
}

async function connect(port: number, allowHalfOpen = false): Promise<net.Socket> {
  const client = net.connect({ port, host: '127.0.0.1', allowHalfOpen });
  await new Promise<void>((resolve, reject) => client.once('connect', resolve).once('error', reject));
  client.on('error', () => undefined);
  cleanups.push(() => void client.destroy());
  return client;
}

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const tcp = { protocol: { tcp: { listening_addr: '127.0.0.1:0' } } };
const udp = { protocol: { udp: { listening_addr: '127.0.0.1:0' } } };

describe('TCP', () => {
  it('batches by size, then by time; records carry upstream attributes', async () => {
    const { receiver, ctx } = await startReceiver({ ...tcp, batch: { max_size: 3, max_batch_duration_ms: 30 } });
    const client = await connect(await tcpFront(receiver));
    client.write(Array.from({ length: 7 }, (_, i) => `<13>Oct 11 22:14:15 host app[${i}]: message ${i}\n`).join(''));
    await ctx.waitForItems(7);
    expect(ctx.emitted.map((p) => p.items)).toEqual([3, 3, 1]);
    const records = recordsOf(ctx.emitted);
    expect(records.map((r) => r.attributes['syslog.content'])).toEqual(Array.from({ length: 7 }, (_, i) => `message ${i}`));
    expect(records[0]?.attributes).toMatchObject({ 'syslog.host_name': 'host', 'syslog.app_name': 'app', 'syslog.process_id': 0, 'input.format': 'rfc3164' });
    await until(() => receiver.stats().received_logs_forwarded === 7, 'the last batch to be counted');
    expect(receiver.stats()).toMatchObject({ received_logs_total: 7, tcp_connections_active: 1 });
  });

  it('octet-counted frames, and a last line without newline when the client closes', async () => {
    const { receiver, ctx } = await startReceiver(tcp);
    const client = await connect(await tcpFront(receiver));
    const msg = '<34>1 2003-10-11T22:14:15.003Z h app - - - multi\nline';
    client.end(`${Buffer.byteLength(msg)} ${msg}<13>last words`);
    await ctx.waitForItems(2);
    expect(recordsOf(ctx.emitted).map((r) => r.attributes['syslog.message'] ?? r.attributes['syslog.content'])).toEqual(['multi\nline', 'last words']);
    await until(() => receiver.stats().tcp_connections_active === 0, 'the connection to close');
  });

  it('empty lines are counted as invalid and logged once for the episode; the connection goes on', async () => {
    const { receiver, ctx } = await startReceiver({ ...tcp, batch: { max_size: 1 } });
    const client = await connect(await tcpFront(receiver));
    client.write('\n\n\n\n<13>fine\n\n\n<13>also fine\n');
    await ctx.waitForItems(2);
    await until(() => receiver.stats().received_logs_forwarded === 2, 'both records to be counted');
    expect(receiver.stats()).toMatchObject({ received_logs_total: 8, received_logs_invalid: 6 });
    const warnings = ctx.logs.filter((l) => String(l.msg).startsWith('empty syslog messages'));
    // Two episodes (before and after the first good message), one line each, plus their end summaries.
    expect(warnings.filter((l) => l.level === 40)).toHaveLength(2);
  });

  it('stops reading while downstream is full, and loses nothing once it has room', async () => {
    const { receiver, ctx } = await startReceiver({ ...tcp, batch: { max_size: 50 } });
    let open!: () => void;
    ctx.gate = new Promise<void>((resolve) => (open = resolve));
    const client = await connect(await tcpFront(receiver));
    // More than loopback socket buffers hold, so that the sender backs up when the receiver stops reading.
    const lines = 50_000;
    const payload = Array.from({ length: lines }, (_, i) => `<13>host app: line ${i} ${'x'.repeat(100)}\n`).join('');
    const written = new Promise<void>((resolve) => client.write(payload, () => resolve()));
    // Give the receiver every chance to read on if it would; it must hold at the first batch.
    await Promise.race([written, new Promise((r) => setTimeout(r, 300))]);
    expect(receiver.stats().received_logs_total).toBe(50);
    expect(client.writableLength).toBeGreaterThan(0);
    ctx.gate = undefined;
    open();
    await ctx.waitForItems(lines, 30_000);
    expect(ctx.items()).toBe(lines);
    const last = recordsOf(ctx.emitted.slice(-1));
    expect(last[last.length - 1]?.attributes['syslog.content']).toMatch(/^line 49999 /);
  });

  it('drain: FIN to the client, what it still sends is read, then the batch goes on and the connection closes', async () => {
    const { receiver, ctx } = await startReceiver({ ...tcp, batch: { max_size: 100, max_batch_duration_ms: 60_000 } });
    // A client that keeps its side open after the FIN, to send what it still has.
    const client = await connect(await tcpFront(receiver), true);
    client.write('<13>one\n');
    await until(() => receiver.stats().received_logs_total === 1, 'the first line');
    const sawEnd = new Promise<void>((resolve) => client.once('end', resolve));
    const drained = receiver.drain(Date.now() + 5000);
    await sawEnd;
    client.end('<13>two\n');
    await drained;
    expect(recordsOf(ctx.emitted).map((r) => r.attributes['syslog.content'])).toEqual(['one', 'two']);
    expect(receiver.stats().tcp_connections_active).toBe(0);
  });
});

describe('UDP', () => {
  async function boundSocket(): Promise<{ socket: dgram.Socket; port: number }> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return { socket, port: socket.address().port };
  }

  async function sendAll(port: number, messages: Array<string | Buffer>): Promise<void> {
    const sender = dgram.createSocket('udp4');
    for (const m of messages) await new Promise<void>((resolve, reject) => sender.send(m, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
    sender.close();
  }

  it('one datagram, one record (a trailing newline is kept, as upstream has it); batches by size and time', async () => {
    const { receiver, ctx } = await startReceiver({ ...udp, batch: { max_size: 2, max_batch_duration_ms: 20 } });
    const { socket, port } = await boundSocket();
    receiver.acceptDatagrams('syslog/udp', socket);
    await sendAll(port, ['<34>1 2003-10-11T22:14:15.003Z h a - - - first', 'CEF:0|V|P|1.0|100|n|5|src=1.2.3.4', '<13>third\n']);
    await ctx.waitForItems(3);
    expect(ctx.emitted.map((p) => p.items)).toEqual([2, 1]);
    const records = recordsOf(ctx.emitted);
    expect(records[0]).toMatchObject({ timeUnixNano: '1065910455003000000', severityText: 'ERROR2', attributes: { 'syslog.message': 'first' } });
    expect(records[1]?.attributes).toMatchObject({ 'cef.severity': '5', src: '1.2.3.4', 'input.format': 'cef' });
    expect(records[2]?.attributes['syslog.content']).toBe('third\n');
  });

  it('drops and counts when downstream is full; cuts datagrams at 16 KiB; counts empty ones', async () => {
    const { receiver, ctx } = await startReceiver({ ...udp, batch: { max_size: 1 } });
    const { socket, port } = await boundSocket();
    receiver.acceptDatagrams('syslog/udp', socket);
    ctx.full = true;
    await sendAll(port, ['<13>a', '<13>b']);
    await until(() => receiver.stats().received_logs_forward_failed === 2, 'two refusals');
    expect(ctx.emitted).toHaveLength(0);
    ctx.full = false;
    await sendAll(port, [Buffer.alloc(0), `<13>${'q'.repeat(20_000)}`]);
    await ctx.waitForItems(1);
    const [record] = recordsOf(ctx.emitted);
    expect(String(record?.attributes['syslog.content']).length).toBe(16 * 1024 - 4);
    expect(receiver.stats()).toMatchObject({ received_logs_total: 4, received_logs_invalid: 1, received_logs_truncated: 1, received_logs_forwarded: 1, received_logs_forward_failed: 2 });
    expect(ctx.logs.filter((l) => String(l.msg).startsWith('downstream full: syslog datagrams dropped') && l.level === 40)).toHaveLength(1);
  });

  it('drain stops reading at once and hands on the batch it holds', async () => {
    const { receiver, ctx } = await startReceiver({ ...udp, batch: { max_size: 100, max_batch_duration_ms: 60_000 } });
    const { socket, port } = await boundSocket();
    receiver.acceptDatagrams('syslog/udp', socket);
    await sendAll(port, ['<13>held']);
    await until(() => receiver.stats().received_logs_total === 1, 'the datagram');
    await receiver.drain(Date.now() + 2000);
    expect(recordsOf(ctx.emitted).map((r) => r.attributes['syslog.content'])).toEqual(['held']);
    expect(() => socket.address()).toThrow();
  });
});

describe('config', () => {
  const errors = (config: unknown): string | undefined => syslogCefReceiver.configSchema.validate(config, { abortEarly: false }).error?.message;

  it('exactly one protocol, a listening address; batch defaults 100 records / 100 ms', () => {
    expect(syslogCefReceiver.configSchema.validate(udp).value).toEqual({ ...udp, batch: { max_batch_duration_ms: 100, max_size: 100 } });
    expect(syslogCefReceiver.configSchema.validate({ ...tcp, batch: null }).value.batch).toEqual({ max_batch_duration_ms: 100, max_size: 100 });
    expect(errors({ protocol: { tcp: { listening_addr: '0.0.0.0:514' }, udp: { listening_addr: '0.0.0.0:514' } } })).toMatch(/conflict|exclusive/);
    expect(errors({ protocol: {} })).toBeDefined();
    expect(errors({ protocol: { udp: {} } })).toMatch(/listening_addr/);
    expect(errors({ ...tcp, batch: { max_size: 0 } })).toMatch(/max_size/);
    expect(errors({ ...tcp, batch: { max_size: 70_000 } })).toMatch(/max_size/);
    expect(errors({ ...tcp, batch: { max_batch_duration_ms: 0 } })).toMatch(/max_batch_duration_ms/);
    expect(errors({ ...tcp, unknown: 1 })).toMatch(/unknown/);
  });

  it('refuses TLS, saying why', () => {
    expect(errors({ protocol: { tcp: { listening_addr: '0.0.0.0:6514', tls: { cert_file: 'a', key_file: 'b' } } } })).toMatch(/TLS .*not supported/);
  });

  it('declares one listener, tcp or udp', () => {
    expect(syslogCefReceiver.listeners?.('in', syslogCefReceiver.configSchema.validate(tcp).value)).toEqual([{ id: 'in/tcp', protocol: 'tcp', address: '127.0.0.1:0' }]);
    expect(syslogCefReceiver.listeners?.('in', syslogCefReceiver.configSchema.validate(udp).value)).toEqual([{ id: 'in/udp', protocol: 'udp', address: '127.0.0.1:0' }]);
  });
});
