// Acceptance (#6): GET /api/v1/metrics in Prometheus text, with counters pushed by instances over IPC. Per pipeline,
// core, generation and node; instance CPU, RSS and restarts; rollouts, shutdowns and reconciles by action and outcome
// with durations; admin request latencies by route template. A retired generation's counters stay in the totals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient } from '../support/admin.js';
import { startEngine, type RunningEngine } from '../support/engine.js';
import { sdkLogs } from '../support/otlp-sdk.js';
import { Scrape } from '../support/prometheus.js';

const pipeline = (batchSize: number) => ({
  policies: { resources: { core_allocation: { type: 'core_count', count: 1 } } },
  nodes: {
    ingest: { type: 'receiver:otlp', config: { protocols: { http: { listening_addr: '127.0.0.1:0' } } } },
    batch: { type: 'processor:batch', config: { otlp: { min_size: batchSize, sizer: 'items' }, max_batch_duration: '20ms' } },
    perf: { type: 'exporter:perf', config: { log: false } },
  },
  connections: [
    { from: 'ingest', to: 'batch' },
    { from: 'batch', to: 'perf' },
  ],
});

const yaml = JSON.stringify({ version: 'otel_dataflow/v1', groups: { default: { pipelines: { main: pipeline(100) } } } });
const main = { group: 'default', pipeline: 'main' };

describe('GET /api/v1/metrics', () => {
  let engine: RunningEngine;
  let api: ReturnType<typeof adminClient>;

  async function sendLogs(count: number): Promise<void> {
    const status = await engine.pipeline();
    const endpoint = `http://${status.listeners.find((l) => l.protocol === 'http')!.address}`;
    const sdk = sdkLogs('http/protobuf', endpoint, { maxExportBatchSize: 50 });
    for (let i = 0; i < count; i++) sdk.logger.emit({ body: `record ${i}` });
    await sdk.flush();
    await sdk.shutdown();
  }

  /** Waits until the pipeline total of the perf exporter reaches `items` (instances send counters every 5 s). */
  async function totalsReach(items: number): Promise<Scrape> {
    return engine.waitFor(async () => {
      const scrape = await Scrape.of(engine.adminUrl);
      return scrape.sum('otap_pipeline_node_items_received_total', { ...main, node: 'perf' }) >= items && scrape;
    }, `perf totals to reach ${items}`, 40_000);
  }

  beforeAll(async () => {
    engine = await startEngine(yaml);
    api = adminClient(engine.adminUrl);
    await engine.waitRunning();
  });
  afterAll(async () => {
    await engine?.stop();
  });

  it('serves Prometheus text with node counters per pipeline and per instance, and perf figures by signal', async () => {
    const res = await fetch(`${engine.adminUrl}/api/v1/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);

    await sendLogs(300);
    const scrape = await totalsReach(300);
    expect(scrape.sum('otap_pipeline_node_items_received_total', { ...main, node: 'ingest' })).toBe(300);
    expect(scrape.sum('otap_pipeline_node_items_sent_total', { ...main, node: 'batch' })).toBe(300);
    expect(scrape.sum('otap_pipeline_node_bytes_received_total', { ...main, node: 'ingest' })).toBeGreaterThan(300 * 8);
    expect(scrape.sum('otap_pipeline_node_items_refused_total', { ...main, node: 'ingest' })).toBe(0);
    const instance = { ...main, core: expect.any(String), generation: '1', node: 'perf' };
    expect(scrape.all('otap_instance_node_items_received_total', { ...main, generation: '1', node: 'perf' })).toEqual([
      { name: 'otap_instance_node_items_received_total', labels: instance, value: 300 },
    ]);
    expect(scrape.sum('otap_perf_exporter_items_total', { ...main, node: 'perf', signal: 'logs' })).toBe(300);
    expect(scrape.sum('otap_perf_exporter_items_total', { ...main, node: 'perf', signal: 'traces' })).toBe(0);
    expect(scrape.all('otap_instance_node_queue_depth', { ...main, node: 'batch' })).toHaveLength(1);
  });

  it('shows instances, pipelines and the supervisor itself', async () => {
    const scrape = await Scrape.of(engine.adminUrl);
    const [rss] = scrape.all('otap_instance_rss_bytes', { ...main, generation: '1' });
    expect(rss?.value).toBeGreaterThan(10 * 1024 * 1024);
    expect(scrape.all('otap_instance_cpu_percent', main)).toHaveLength(1);
    expect(scrape.sum('otap_instance_restarts_total', main)).toBe(0);
    expect(scrape.sum('otap_pipeline_deployment_status', { ...main, status: 'running' })).toBe(1);
    expect(scrape.sum('otap_pipeline_running_cores', main)).toBe(1);
    expect(scrape.sum('otap_supervisor_process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('counts a restart by recovery, and keeps the crashed instance in the pipeline totals', async () => {
    const victim = (await engine.pipeline()).instances[0]!.pid!;
    process.kill(victim, 'SIGKILL');
    const scrape = await engine.waitFor(async () => {
      const s = await Scrape.of(engine.adminUrl);
      const p = await engine.pipeline();
      return s.sum('otap_instance_restarts_total', main) === 1 && p.instances[0]?.phase === 'running' && p.instances[0].pid !== victim && s;
    }, 'the restart to show', 40_000);
    expect(scrape.sum('otap_pipeline_node_items_received_total', { ...main, node: 'ingest' })).toBe(300);
  });

  it('keeps a retired generation in the pipeline totals and counts the rollout with its duration', async () => {
    const put = await api.put('default', 'main', pipeline(50));
    expect(put.body.state).toBe('succeeded');
    await sendLogs(200);
    await totalsReach(500);
    // Once the old instance has exited, only the serving generation has per-instance series, counting from its start.
    const scrape = await engine.waitFor(async () => {
      const s = await Scrape.of(engine.adminUrl);
      return s.all('otap_instance_node_items_received_total', { ...main, generation: '1' }).length === 0 && s;
    }, 'generation 1 to leave the instance series', 40_000);
    expect(scrape.all('otap_instance_node_items_received_total', { ...main, node: 'perf' }).map((s) => [s.labels.generation, s.value])).toEqual([['2', 200]]);
    expect(scrape.sum('otap_pipeline_node_items_received_total', { ...main, node: 'ingest' })).toBe(500);
    expect(scrape.sum('otap_rollouts_total', { action: 'replace', outcome: 'succeeded' })).toBe(1);
    expect(scrape.sum('otap_rollout_duration_seconds_count', { action: 'replace', outcome: 'succeeded' })).toBe(1);
    expect(scrape.sum('otap_rollout_duration_seconds_sum', { action: 'replace' })).toBeGreaterThan(0);
  });

  it('counts shutdowns and reconciles by outcome', async () => {
    const shutdown = await api.post('/groups/default/pipelines/main/shutdown?wait=true&timeout_secs=60');
    expect(shutdown.body.state).toBe('succeeded');
    const reconcile = await api.post('/config/reconcile?wait=true&timeout_secs=60', { config: JSON.parse(yaml) });
    expect(reconcile.body.state).toBe('succeeded');
    const scrape = await Scrape.of(engine.adminUrl);
    expect(scrape.sum('otap_shutdowns_total', { outcome: 'succeeded' })).toBe(1);
    expect(scrape.sum('otap_shutdown_duration_seconds_count', { outcome: 'succeeded' })).toBe(1);
    expect(scrape.sum('otap_reconciles_total', { trigger: 'api', outcome: 'succeeded' })).toBe(1);
    // A stopped pipeline's totals are still there.
    expect(scrape.sum('otap_pipeline_node_items_received_total', { ...main, node: 'ingest' })).toBe(500);
  });

  it('records admin latencies by route template, never by raw path', async () => {
    await api.get('/groups/default/pipelines/main');
    await api.get('/no/such/path/%2e%2e');
    const scrape = await Scrape.of(engine.adminUrl);
    expect(scrape.sum('otap_admin_request_duration_seconds_count', { method: 'GET', route: '/api/v1/groups/:group/pipelines/:pipeline', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(scrape.sum('otap_admin_request_duration_seconds_count', { route: 'unmatched', status: '404' })).toBeGreaterThanOrEqual(1);
    const routes = scrape.all('otap_admin_request_duration_seconds_count').map((s) => s.labels.route!);
    expect(routes.filter((route) => route.includes('no/such'))).toEqual([]);
  });
});
