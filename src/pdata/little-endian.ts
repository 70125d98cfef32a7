// The wire readers view a request's memory through wider typed arrays (Float64Array, Int32Array) and take byte k of
// a word as its bits 8k to 8k + 7: true on the little-endian platforms the engine runs on (x86-64, arm64); on a
// big-endian one they refuse to load rather than misread.

/** Throws at load on a big-endian platform, naming the module that needs little-endian words. */
export function requireLittleEndian(module: string): void {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error(`${module}: big-endian platforms are not supported`);
}
