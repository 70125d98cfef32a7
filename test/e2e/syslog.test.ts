// receiver:syslog_cef in a real engine: a real syslog sender over UDP and TCP, records arriving as OTLP logs at an
// OTLP sink with upstream's attributes; the UDP socket is bound once by the supervisor and read by every serving
// instance, so a rolling replace under a steady UDP stream loses no datagram.
import dgram from 'node:dgram';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { adminClient } from '../support/admin.js';
import { startEngine, usableCores, type RunningEngine } from '../support/engine.js';
import { startOtlpSink, type OtlpSink } from '../support/otlp-sink.js';

const cores = usableCores().slice(0, 2);
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function pipeline(sinkUrl: string, maxSize = 100): Json {
  return {
    policies: { resources: { core_allocation: { type: 'core_count', count: cores.length } } },
    nodes: {
      udp_in: { type: 'receiver:syslog_cef', config: { protocol: { udp: { listening_addr: '127.0.0.1:0' } }, batch: { max_size: maxSize, max_batch_duration_ms: 20 } } },
      tcp_in: { type: 'receiver:syslog_cef', config: { protocol: { tcp: { listening_addr: '127.0.0.1:0' } }, batch: { max_batch_duration_ms: 20 } } },
      out: { type: 'exporter:otlp_http', config: { endpoint: sinkUrl } },
    },
    connections: [{ from: ['udp_in', 'tcp_in'], to: 'out' }],
  };
}

const yamlOf = (spec: unknown): string => `version: otel_dataflow/v1\ngroups:\n  default:\n    pipelines:\n      main: ${JSON.stringify(spec)}\n`;

/** Every record the sink got, attributes flattened (ints as numbers). */
function sinkRecords(sink: OtlpSink): Array<{ severityText?: string; timeUnixNano?: string; attributes: Record<string, string | number> }> {
  const out = [];
  for (const { signal, json } of sink.received) {
    if (signal !== 'logs') continue;
    for (const rl of (json.resourceLogs ?? []) as Json[])
      for (const sl of (rl.scopeLogs ?? []) as Json[])
        for (const lr of (sl.logRecords ?? []) as Json[]) {
          const attributes: Record<string, string | number> = {};
          for (const kv of (lr.attributes ?? []) as Json[]) attributes[kv.key] = kv.value.intValue !== undefined ? Number(kv.value.intValue) : kv.value.stringValue;
          out.push({ severityText: lr.severityText, timeUnixNano: lr.timeUnixNano, attributes });
        }
  }
  return out;
}

function hostPort(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  return { host: address.slice(0, colon), port: Number(address.slice(colon + 1)) };
}

describe('receiver:syslog_cef end to end', () => {
  let engine: RunningEngine | undefined;
  let sink: OtlpSink | undefined;
  afterEach(async () => {
    await engine?.stop();
    await sink?.close();
    engine = undefined;
    sink = undefined;
  });

  async function boot(): Promise<{ udp: { host: string; port: number }; tcp: { host: string; port: number } }> {
    sink = await startOtlpSink();
    engine = await startEngine(yamlOf(pipeline(sink.url)));
    const status = await engine.waitRunning();
    const udp = status.listeners.find((l) => l.protocol === 'udp');
    const tcp = status.listeners.find((l) => l.protocol === 'tcp');
    expect(udp?.id).toBe('udp_in/udp');
    expect(tcp?.id).toBe('tcp_in/tcp');
    return { udp: hostPort(udp!.address), tcp: hostPort(tcp!.address) };
  }

  it('syslog over UDP and TCP arrives as OTLP logs with upstream attributes', async () => {
    const { udp, tcp } = await boot();
    const sender = dgram.createSocket('udp4');
    const datagrams = [
      '<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su 12345 ID47 [exampleSDID@32473 iut="3"] udp-5424',
      '<13>Oct 11 22:14:15 fw sshd[77]: udp-3164',
      'CEF:0|Security|threatmanager|1.0|100|udp-cef|10|src=10.0.0.1 spt=1232',
    ];
    for (const d of datagrams) await new Promise<void>((resolve, reject) => sender.send(d, udp.port, udp.host, (e) => (e ? reject(e) : resolve())));
    sender.close();
    const client = net.connect(tcp.port, tcp.host);
    const counted = '<134>1 2024-01-15T10:30:45Z host CEF - - CEF:0|V|P|1.0|100|tcp-counted|3|k=v w';
    client.end(`<13>host app: tcp-line\n${Buffer.byteLength(counted)} ${counted}`);

    await sink!.waitFor(() => sinkRecords(sink!).length >= 5, 15_000);
    const byMarker = new Map<string, Json>();
    for (const r of sinkRecords(sink!)) {
      const a = r.attributes;
      byMarker.set(String(a['cef.name'] ?? a['syslog.message'] ?? a['syslog.content']).split(' ').pop()!, r);
    }
    expect(byMarker.get('udp-5424')).toMatchObject({
      severityText: 'ERROR2',
      timeUnixNano: '1065910455003000000',
      attributes: { 'syslog.host_name': 'mymachine.example.com', 'syslog.process_id': 12345, 'syslog.msg_id': 'ID47', 'input.format': 'rfc5424' },
    });
    expect(byMarker.get('udp-3164')?.attributes).toMatchObject({ 'syslog.host_name': 'fw', 'syslog.app_name': 'sshd', 'syslog.process_id': 77, 'input.format': 'rfc3164' });
    expect(byMarker.get('udp-cef')?.attributes).toMatchObject({ 'cef.device_vendor': 'Security', src: '10.0.0.1', spt: '1232', 'input.format': 'cef' });
    expect(byMarker.get('tcp-line')?.attributes).toMatchObject({ 'syslog.facility': 1, 'syslog.severity': 5, 'input.format': 'rfc3164' });
    expect(byMarker.get('tcp-counted')?.attributes).toMatchObject({ 'syslog.app_name': 'CEF', 'cef.severity': '3', k: 'v w', 'input.format': 'cef_rfc5424' });
    expect(sinkRecords(sink!)).toHaveLength(5);
  });

  it('a rolling replace under a steady UDP stream loses no datagram and delivers none twice', async () => {
    const { udp } = await boot();
    const api = adminClient(engine!.adminUrl);
    const sender = dgram.createSocket('udp4');
    let sent = 0;
    let sending = true;
    // Paced well below what the socket's receive buffer holds through a short stall: loss here would be the engine's.
    const loop = (async () => {
      while (sending) {
        for (let i = 0; i < 5; i++) {
          const seq = sent++;
          await new Promise<void>((resolve, reject) => sender.send(`<14>1 - h app - - - seq-${seq}`, udp.port, udp.host, (e) => (e ? reject(e) : resolve())));
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    await sink!.waitFor(() => sinkRecords(sink!).length > 100, 15_000);
    const put = await api.put('default', 'main', pipeline(sink!.url, 50), 'wait=true&timeout_secs=60');
    expect(put.status).toBe(200);
    expect(put.body.action).toBe('replace');
    const after = sent;
    await sink!.waitFor(() => sinkRecords(sink!).length > after, 15_000);
    sending = false;
    await loop;
    sender.close();
    await sink!.waitFor(() => sinkRecords(sink!).length >= sent, 15_000);
    const seqs = sinkRecords(sink!).map((r) => Number(String(r.attributes['syslog.message']).slice(4)));
    expect(seqs).toHaveLength(sent);
    expect(new Set(seqs).size).toBe(sent);
    const status = await engine!.pipeline();
    expect(status.activeGeneration).toBe(2);
    expect(status.listeners.find((l) => l.protocol === 'udp')?.address).toBe(`${udp.host}:${udp.port}`);
  });
});
