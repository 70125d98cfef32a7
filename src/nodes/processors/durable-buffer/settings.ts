// The durable buffer's config as the instance acts on it: durations in milliseconds, sizes in bytes, this core's share
// of the disk cap, and where the instance runs (core, generation), which names its log directory.
import { parseByteSize, parseDuration } from '../../../config/duration.js';
import type { FsyncPolicy } from './wal/appender.js';
import { RECORD_OVERHEAD_BYTES } from './wal/record.js';

export interface DurableBufferConfig {
  path: string;
  retention_size_cap: number | string;
  max_age?: string;
  size_cap_policy: 'backpressure' | 'drop_oldest';
  poll_interval: string;
  otlp_handling: 'pass_through' | 'convert_to_arrow';
  max_segment_open_duration: string;
  initial_retry_interval: string;
  max_retry_interval: string;
  retry_multiplier: number;
  max_in_flight: number;
  /** Ours: when a write counts as stored (see wal/appender.ts). */
  fsync: 'always' | 'interval' | 'never';
  /** Ours: how often `fsync: interval` syncs. */
  fsync_interval: string;
}

export interface Placement {
  core: number;
  generation: number;
  /** Cores the pipeline runs on when this instance started: the cap is shared among them. */
  cores: number;
  pid: number;
}

export interface BufferSettings {
  path: string;
  /** `retention_size_cap`: the whole pipeline's, shared by its cores (see coreShare). */
  totalCapBytes: number;
  /** This core's share of `retention_size_cap` when the instance started (the store follows resizes from there). */
  capBytes: number;
  maxAgeMs: number | undefined;
  policy: 'backpressure' | 'drop_oldest';
  pollMs: number;
  maxSegmentOpenMs: number;
  retry: { initialMs: number; maxMs: number; multiplier: number };
  maxInFlight: number;
  fsync: FsyncPolicy;
}

/** Segments are at most this large, and at least this small a share of the cap, so that dropping the oldest frees a fraction of it. */
const MAX_SEGMENT_BYTES = 64 * 1024 * 1024;
const MIN_SEGMENT_BYTES = 64 * 1024;
const SEGMENTS_PER_CAP = 8;
/** Below this a core's share cannot hold even a few records of a typical size. */
export const MIN_CAP_BYTES_PER_CORE = 1024 * 1024;

export function bufferSettings(config: DurableBufferConfig, placement: Placement): BufferSettings {
  const cap = parseByteSize(config.retention_size_cap);
  const cores = Math.max(1, placement.cores);
  const capBytes = Math.floor(cap / cores);
  if (capBytes < MIN_CAP_BYTES_PER_CORE) {
    throw new Error(
      `retention_size_cap (${cap} bytes) shared by ${cores} core(s) leaves ${capBytes} bytes per core, below the ${MIN_CAP_BYTES_PER_CORE} a core needs: raise it or run on fewer cores`,
    );
  }
  const fsync: FsyncPolicy =
    config.fsync === 'interval' ? { mode: 'interval', intervalMs: parseDuration(config.fsync_interval) } : { mode: config.fsync };
  return {
    path: config.path,
    totalCapBytes: cap,
    capBytes,
    maxAgeMs: config.max_age === undefined ? undefined : parseDuration(config.max_age),
    policy: config.size_cap_policy,
    pollMs: Math.max(1, parseDuration(config.poll_interval)),
    maxSegmentOpenMs: parseDuration(config.max_segment_open_duration),
    retry: {
      initialMs: parseDuration(config.initial_retry_interval),
      maxMs: parseDuration(config.max_retry_interval),
      multiplier: config.retry_multiplier,
    },
    maxInFlight: config.max_in_flight,
    fsync,
  };
}

/**
 * A core's share of the whole cap when the pipeline runs on `cores` cores. At start a share below the minimum is a
 * config error (above); a resize that leaves less is held at the minimum, since the instances already run.
 */
export function coreShare(totalCapBytes: number, cores: number): number {
  return Math.max(MIN_CAP_BYTES_PER_CORE, Math.floor(totalCapBytes / Math.max(1, cores)));
}

/** The largest segment for a core's share: an eighth of it, so that dropping the oldest frees a fraction at a time. */
export function maxSegmentBytes(shareBytes: number): number {
  return Math.max(MIN_SEGMENT_BYTES, Math.min(MAX_SEGMENT_BYTES, Math.floor(shareBytes / SEGMENTS_PER_CAP)));
}

/** Bytes one message takes in the log. */
export function recordBytes(payloadBytes: number): number {
  return RECORD_OVERHEAD_BYTES + payloadBytes;
}

/**
 * Where this instance runs. The supervisor gives each instance its core (OTAP_ENGINE_CORE) and the instance entry
 * sets its generation (OTAP_ENGINE_GENERATION) and its pipeline's core count (OTAP_ENGINE_CORE_COUNT); outside an
 * instance (tests, embedders) they are core 0, generation 0, one core.
 */
export function currentPlacement(env: NodeJS.ProcessEnv = process.env): Placement {
  const number = (text: string | undefined, fallback: number): number => (text !== undefined && /^[0-9]+$/.test(text) ? Number(text) : fallback);
  return {
    core: number(env.OTAP_ENGINE_CORE, 0),
    generation: number(env.OTAP_ENGINE_GENERATION, 0),
    cores: number(env.OTAP_ENGINE_CORE_COUNT, 1),
    pid: process.pid,
  };
}
