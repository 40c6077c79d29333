/**
 * Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011): a counter-based generator.
 * Block i of a stream is a pure function of (key, counter + i), so any backend — a JS loop or a GPU kernel —
 * produces the same numbers for the same seed, in any order.
 */
const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** The high 32 bits of the 64-bit product of two uint32 (JS numbers are exact only to 2^53). */
export function mulhi32(a: number, b: number): number {
  const aLo = a & 0xffff;
  const aHi = a >>> 16;
  const bLo = b & 0xffff;
  const bHi = b >>> 16;
  const hiLo = aHi * bLo;
  const loHi = aLo * bHi;
  // Integer steps only (no division): every partial product is below 2^32, their sums below 2^34.
  const carry = (((aLo * bLo) >>> 16) + (hiLo & 0xffff) + (loHi & 0xffff)) >>> 16;
  return (aHi * bHi + (hiLo >>> 16) + (loHi >>> 16) + carry) >>> 0;
}

/** Encrypts the 128-bit counter (c0..c3) under the 64-bit key (k0, k1); writes 4 uint32 to out. */
export function philox4x32(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number, out: Uint32Array): void {
  for (let r = 0; r < 10; r++) {
    const hi0 = mulhi32(M0, c0);
    const lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi32(M1, c2);
    const lo1 = Math.imul(M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

/** A uniform float in [0, 1) from a uint32, with 24 bits: exact in float32. */
export function uint32ToUnit(x: number): number {
  return (x >>> 8) * 5.9604644775390625e-8;
}
