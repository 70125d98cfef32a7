import { describe, expect, it } from 'vitest';
import { parseByteSize, parseDuration } from '../../src/config/duration.js';

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['30s', 30_000],
    ['1m', 60_000],
    ['2h', 7_200_000],
    ['1.5s', 1500],
    ['500us', 0.5],
    ['500µs', 0.5],
    ['1000000ns', 1],
    ['0s', 0],
    // humantime, as upstream reads them
    ['1d', 86_400_000],
    ['1 d', 86_400_000],
    ['72h', 259_200_000],
    ['1h 30m', 5_400_000],
    ['1h30m', 5_400_000],
    ['5min', 300_000],
    ['2 days', 172_800_000],
    ['1week', 604_800_000],
    ['10sec', 10_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
  it.each(['', '250', 'ms', '-1s', 'soon', '1y', '1h and 5m', '1.s'])('refuses %j', (text) => {
    expect(() => parseDuration(text)).toThrow(RangeError);
  });
});

describe('parseByteSize', () => {
  it.each([
    ['64MiB', 64 * 1024 * 1024],
    ['512KiB', 512 * 1024],
    ['4MB', 4_000_000],
    ['1GiB', 1024 ** 3],
    ['1.5KiB', 1536],
    ['100', 100],
    ['100B', 100],
    [4096, 4096],
  ] as const)('%s is %d bytes', (value, bytes) => {
    expect(parseByteSize(value)).toBe(bytes);
  });
  it.each(['', 'lots', '4TB', '-1'])('refuses %j', (text) => {
    expect(() => parseByteSize(text)).toThrow(RangeError);
  });
});
