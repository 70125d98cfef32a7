import { describe, expect, it } from 'vitest';
import { formatCoreList, resolveCoreAllocation } from '../../src/config/cores.js';

describe('resolveCoreAllocation', () => {
  const available = [0, 1, 2, 3];
  it('all_cores takes every available core, sorted', () => {
    expect(resolveCoreAllocation({ type: 'all_cores' }, [3, 1, 2])).toEqual({ ok: true, cores: [1, 2, 3] });
  });
  it('core_count takes the first n available cores', () => {
    expect(resolveCoreAllocation({ type: 'core_count', count: 2 }, [4, 6, 5])).toEqual({ ok: true, cores: [4, 5] });
  });
  it('core_count refuses more cores than available, and fewer than one', () => {
    const tooMany = resolveCoreAllocation({ type: 'core_count', count: 64 }, available);
    expect(tooMany).toEqual({ ok: false, message: 'core_count 64 exceeds the 4 available cores (0-3)' });
    expect(resolveCoreAllocation({ type: 'core_count', count: -1 }, available).ok).toBe(false);
  });
  it('core_count 0 takes every available core, as upstream', () => {
    expect(resolveCoreAllocation({ type: 'core_count', count: 0 }, available)).toEqual({ ok: true, cores: [0, 1, 2, 3] });
    expect(resolveCoreAllocation({ type: 'core_count', count: 0 }, []).ok).toBe(false);
  });
  it('core_set takes the listed ranges', () => {
    const set = [{ start: 2, end: 3 }, { start: 0, end: 0 }];
    expect(resolveCoreAllocation({ type: 'core_set', set }, available)).toEqual({ ok: true, cores: [0, 2, 3] });
  });
  it('core_set names every core that is not available', () => {
    const result = resolveCoreAllocation({ type: 'core_set', set: [{ start: 3, end: 5 }, { start: 9, end: 9 }] }, available);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain('4, 5, 9');
  });
  it('refuses an empty pool and absurd ranges', () => {
    expect(resolveCoreAllocation({ type: 'all_cores' }, []).ok).toBe(false);
    expect(resolveCoreAllocation({ type: 'core_set', set: [{ start: 0, end: 4_000_000_000 }] }, available).ok).toBe(false);
  });
});

describe('formatCoreList', () => {
  it('compresses runs into ranges', () => {
    expect(formatCoreList([6, 0, 1, 2, 3, 8, 9])).toBe('0-3,6,8-9');
    expect(formatCoreList([])).toBe('');
  });
});
