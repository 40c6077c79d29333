/**
 * Philox4x32-10 (src/util/philox.ts) as gpu.js kernel statements in float32 arithmetic only: GLSL ES 1.0 has no
 * 32-bit integers and no bitwise operators. Each uint32 is two 16-bit halves (`…h`, `…l`, floats below 2^16); every
 * intermediate is an integer below 2^24, so each operation is exact on every device, and products, floors and
 * divisions by powers of two are exact whatever order or fusion a compiler picks.
 */
import { floatLiteral as f } from '../kernel-spec.js';

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

const hi16 = (x: number) => f(Math.floor(x / 65536));
const lo16 = (x: number) => f(x % 65536);

/** `const q = ⌊x / 256⌋; const r = x mod 256` (· 2^-8 is exact, unlike a division a GPU may do as x · (1 / y)). */
const divmod256 = (x: string, q: string, r: string) => `const ${q} = Math.floor(${x} * 0.00390625); const ${r} = ${x} - 256.0 * ${q};`;

/**
 * The 64-bit product of the constant `m` and the word (bh, bl), as halves `${p}hh ${p}hl` (high word) and
 * `${p}lh ${p}ll` (low word). 8-bit limbs: partial products stay below 2^16 and column sums below 2^19.
 */
function mulWide(m: number, bh: string, bl: string, p: string): string {
  const a = [m & 255, (m >>> 8) & 255, (m >>> 16) & 255, m >>> 24];
  const out = [divmod256(bl, `${p}b1`, `${p}b0`), divmod256(bh, `${p}b3`, `${p}b2`)];
  let carry = '';
  for (let k = 0; k < 7; k++) {
    const terms: string[] = [];
    for (let i = Math.max(0, k - 3); i <= Math.min(3, k); i++) terms.push(`${f(a[i]!)} * ${p}b${k - i}`);
    if (carry) terms.push(carry);
    out.push(`const ${p}s${k} = ${terms.join(' + ')};`, divmod256(`${p}s${k}`, `${p}q${k}`, `${p}r${k}`));
    carry = `${p}q${k}`;
  }
  const half = (name: string, lo: number) => `const ${p}${name} = ${p}r${lo} + 256.0 * ${lo === 6 ? carry : `${p}r${lo + 1}`};`;
  out.push(half('ll', 0), half('lh', 2), half('hl', 4), half('hh', 6));
  return out.join(' ');
}

/** `x += w (mod 2^32)` on halves, w a constant. */
function addConst(x: string, w: number): string {
  return `${x}l += ${lo16(w)}; const ${x}c = ${x}l >= 65536.0 ? 1.0 : 0.0; ${x}l -= 65536.0 * ${x}c;
    ${x}h += ${hi16(w)} + ${x}c; ${x}h -= ${x}h >= 65536.0 ? 65536.0 : 0.0;`;
}

/** Three-way xors of 16-bit values, bit by bit from the lowest: x_q = a ^ b ^ c for each [x_q, a, b, c]. */
function xor3(outs: readonly (readonly [string, string, string, string])[]): string {
  const init = outs.map(([x, ...ops]) => `let ${x} = 0.0; ${ops.map((o, k) => `let ${x}_${k} = ${o};`).join(' ')}`);
  const step = outs.map(([x]) => {
    const bits = [0, 1, 2].map((k) => `const ${x}_q${k} = Math.floor(${x}_${k} * 0.5);`);
    const sum = [0, 1, 2].map((k) => `(${x}_${k} - 2.0 * ${x}_q${k})`).join(' + ');
    const shift = [0, 1, 2].map((k) => `${x}_${k} = ${x}_q${k};`);
    return `${bits.join(' ')} const ${x}_s = ${sum}; ${x} += (${x}_s - 2.0 * Math.floor(${x}_s * 0.5)) * bit; ${shift.join(' ')}`;
  });
  return `${init.join(' ')} let bit = 1.0; for (let t = 0; t < 16; t++) { ${step.join(' ')} bit *= 2.0; }`;
}

/**
 * Statements that declare the block for key (k0, k1) and counter (c0, c1, 0, 0) as `let` halves
 * c0h c0l … c3h c3l, given `let` halves k0h k0l k1h k1l (consumed: the key schedule advances them).
 */
export function philoxRounds(): string {
  const round = [
    mulWide(M0, 'c0h', 'c0l', 'p0'),
    mulWide(M1, 'c2h', 'c2l', 'p1'),
    xor3([
      ['x0h', 'p1hh', 'c1h', 'k0h'],
      ['x0l', 'p1hl', 'c1l', 'k0l'],
      ['x2h', 'p0hh', 'c3h', 'k1h'],
      ['x2l', 'p0hl', 'c3l', 'k1l'],
    ]),
    'c0h = x0h; c0l = x0l; c1h = p1lh; c1l = p1ll; c2h = x2h; c2l = x2l; c3h = p0lh; c3l = p0ll;',
    addConst('k0', W0),
    addConst('k1', W1),
  ];
  return `let c2h = 0.0; let c2l = 0.0; let c3h = 0.0; let c3l = 0.0;
    for (let round = 0; round < 10; round++) { ${round.join(' ')} }`;
}

/**
 * Statements that declare `let` halves c0h c0l c1h c1l of the 64-bit counter (lo, hi) + blk, blk a float below 2^24,
 * lo and hi read from `rng` as [loH, loL, hiH, hiL] at `at`.
 */
export function counterPlus(blk: string, rng: string, at: number): string {
  return `const bq = Math.floor(${blk} * ${f(1 / 65536)}); const br = ${blk} - 65536.0 * bq;
    let c0l = ${rng}[${at + 1}] + br; const cy0 = c0l >= 65536.0 ? 1.0 : 0.0; c0l -= 65536.0 * cy0;
    let c0h = ${rng}[${at}] + bq + cy0; const cy1 = c0h >= 65536.0 ? 1.0 : 0.0; c0h -= 65536.0 * cy1;
    let c1l = ${rng}[${at + 3}] + cy1; const cy2 = c1l >= 65536.0 ? 1.0 : 0.0; c1l -= 65536.0 * cy2;
    let c1h = ${rng}[${at + 2}] + cy2; c1h -= c1h >= 65536.0 ? 65536.0 : 0.0;`;
}

/** The top 24 bits of word (h, l): uint32ToUnit's numerator, an exact float. */
export const top24 = (h: string, l: string) => `(${h} * 256.0 + Math.floor(${l} * 0.00390625))`;
