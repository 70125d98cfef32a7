// What the admin API reads of the engine's own telemetry (`/telemetry/metrics`, `/telemetry/logs`). Its metric
// snapshots are its own, apart from the observability pipeline's: the supervisor's CPU is measured between two reads
// of the same reader.
import type { TelemetryReader } from '../../state/commands.js';
import type { LogsPage, LogsQuery, MetricSetData } from '../../state/telemetry-types.js';
import type { LogTap } from './log-tap.js';
import { metricSets } from './metric-sets.js';
import { MetricSnapshots, type SnapshotSources } from './metric-snapshot.js';

export class AdminTelemetry implements TelemetryReader {
  private readonly snapshots: MetricSnapshots;

  constructor(
    sources: SnapshotSources,
    private readonly tap: LogTap | null,
  ) {
    this.snapshots = new MetricSnapshots(sources);
  }

  async metricSets(): Promise<MetricSetData[]> {
    return metricSets(await this.snapshots.take());
  }

  logs(query: LogsQuery): LogsPage | undefined {
    return this.tap?.query(query);
  }
}
