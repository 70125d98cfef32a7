import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { availableCores, CoreSelectionError, parseCoreIdRange, selectCores } from '../../src/supervisor/available-cores.js';

describe('parseCoreIdRange', () => {
  it('expands ranges and single ids, sorted without duplicates', () => {
    expect(parseCoreIdRange('0-3,6')).toEqual([0, 1, 2, 3, 6]);
    expect(parseCoreIdRange(' 6, 2-3 ,3 ')).toEqual([2, 3, 6]);
  });
  it("reads upstream's 0..3 and 0..=3, both inclusive", () => {
    expect(parseCoreIdRange('0..3,6')).toEqual([0, 1, 2, 3, 6]);
    expect(parseCoreIdRange('0..=3,6-7')).toEqual([0, 1, 2, 3, 6, 7]);
  });
  it.each(['', 'a', '1-', '3-1', '1,,2', '-1', '1.5', '99999', '0...3', '0..'])('refuses %j with a clear message', (text) => {
    expect(() => parseCoreIdRange(text)).toThrow(CoreSelectionError);
  });
});

describe('selectCores', () => {
  const affinity = [0, 1, 2, 3];
  it('defaults to the whole affinity set', () => {
    expect(selectCores([3, 1, 0, 2], {})).toEqual({ ok: true, cores: affinity });
  });
  it('--num-cores takes the first N', () => {
    expect(selectCores(affinity, { numCores: 2 })).toEqual({ ok: true, cores: [0, 1] });
    expect(selectCores(affinity, { numCores: 5 }).ok).toBe(false);
    expect(selectCores(affinity, { numCores: 0 }).ok).toBe(false);
  });
  it('--core-id-range takes exactly those, each of which must be allowed', () => {
    expect(selectCores(affinity, { coreIdRange: '1,3' })).toEqual({ ok: true, cores: [1, 3] });
    const refused = selectCores(affinity, { coreIdRange: '2-5' });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.message).toContain('4, 5');
  });
  it('refuses both options at once', () => {
    expect(selectCores(affinity, { numCores: 1, coreIdRange: '0' }).ok).toBe(false);
  });
});

describe('availableCores', () => {
  it('reads this process affinity and the machine core count', async () => {
    const { cores, machineCores } = await availableCores();
    expect(cores.length).toBe(os.availableParallelism());
    expect(machineCores).toBeGreaterThanOrEqual(cores.length);
  });
  it('narrows by the options and throws CoreSelectionError for impossible ones', async () => {
    const { cores } = await availableCores();
    expect((await availableCores({ numCores: 1 })).cores).toEqual(cores.slice(0, 1));
    expect((await availableCores({ coreIdRange: String(cores[0]) })).cores).toEqual(cores.slice(0, 1));
    await expect(availableCores({ numCores: cores.length + 1 })).rejects.toBeInstanceOf(CoreSelectionError);
    await expect(availableCores({ coreIdRange: '65000' })).rejects.toThrow(/65000/);
  });
});
