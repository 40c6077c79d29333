import { isFloat } from '../../../ir/dtype.js';
import { NDArray } from '../../../ir/ndarray.js';
import { Constant, type Apply } from '../../../ir/variable.js';
import type { RandomDraw } from '../../../ops/random-draw.js';
import { floatLiteral as f, type GpuRendering, type GpuShapes, type GpuStage } from '../kernel-spec.js';
import { counterPlus, philoxRounds, top24 } from './gpu-philox-source.js';

/** Word indices must stay exact as floats. */
const MAX_WORDS = 2 ** 24;
const UNIT = f(2 ** -24);

/** [high 16 bits, low 16 bits] of a uint32 held as int32. */
const halves = (x: number): [number, number] => [(x >>> 0) >>> 16, (x >>> 0) & 0xffff];

/** Words each element uses, as perform counts them. */
const wordsPerElement = (op: RandomDraw, a: number) => (op.dist === 'binomial' ? Math.max(0, Math.round(a)) : op.dist === 'normal' ? 2 : 1);

/** Declares the Philox block `blk` of the draw's stream as halves c0h c0l … c3h c3l (rng: see `rngValues`). */
const block = (blk: string) => `let k0h = rng[0]; let k0l = rng[1]; let k1h = rng[2]; let k1l = rng[3]; ${counterPlus(blk, 'rng', 4)} ${philoxRounds()}`;

const fact = (k: number): number => (k <= 1 ? 1 : k * fact(k - 1));
/** Taylor coefficients: −log(1 − v) / v, cos x and sin x / x in powers of x². */
const LOG_SERIES = [1, 2, 3, 4, 5, 6, 7, 8].map((k) => 1 / k);
const COS_SERIES = [0, 2, 4, 6, 8].map((k) => (-1) ** (k / 2) / fact(k));
const SIN_SERIES = [1, 3, 5, 7, 9].map((k) => (-1) ** ((k - 1) / 2) / fact(k));

/** Σ c_k·x^k by Horner. */
const horner = (x: string, c: readonly number[]) => c.reduceRight((acc, ck) => (acc ? `(${f(ck)} + ${x} * ${acc})` : f(ck)), '');

/** −log(1 − v) for v = k·2^-24 in [0, 1): a series near 0, where a GPU's log(1 − v) keeps few correct digits. */
const minusLog1m = (v: string) => `(${v} < 0.05 ? ${v} * ${horner(v, LOG_SERIES)} : -Math.log(1.0 - ${v}))`;

/**
 * Statements declaring `cs` = cos(2π·u), u = k·2^-24 in [0, 1): the reduction to 2π·a, a in [0, 1/8], is exact on
 * the 2^-24 grid, then a Taylor series (error < 3e-8). A device's own cos may be far less accurate past π (WebGPU
 * on SwiftShader: ~1e-4).
 */
const cos2pi = (u: string) => {
  const sin = `x * ${horner('x2', SIN_SERIES)}`;
  return `const ht = Math.abs(${u} - Math.floor(${u} + 0.5)); const flip = ht > 0.25 ? -1.0 : 1.0; const qt = ht > 0.25 ? 0.5 - ht : ht;
    const toSin = qt > 0.125; const x = ${f(2 * Math.PI)} * (toSin ? 0.25 - qt : qt); const x2 = x * x;
    const cs = flip * (toSin ? ${sin} : ${horner('x2', COS_SERIES)});`;
};

/**
 * Per element: the words it uses (see RandomDraw), each Philox block computed by the thread that needs it. Binomial:
 * n must be a constant (the loop over its blocks has a constant bound); the threshold compares the word's top 24
 * bits m with ⌈p·2^24⌉ (m·2^-24 < p ⇔ m < ⌈p·2^24⌉), exactly as the host's float64 p.
 */
function body(op: RandomDraw, n: number): string {
  if (op.dist === 'uniform')
    return `const blk = Math.floor(i * 0.25); ${block('blk')} const lane = i - 4.0 * blk;
      const m = lane < 0.5 ? ${top24('c0h', 'c0l')} : lane < 1.5 ? ${top24('c1h', 'c1l')} : lane < 2.5 ? ${top24('c2h', 'c2l')} : ${top24('c3h', 'c3l')};
      return rng[8] + (rng[9] - rng[8]) * (m * ${UNIT});`;
  if (op.dist === 'normal')
    return `const blk = Math.floor(i * 0.5); ${block('blk')} const odd = i - 2.0 * blk;
      const v = (odd < 0.5 ? ${top24('c0h', 'c0l')} : ${top24('c2h', 'c2l')}) * ${UNIT};
      const u2 = (odd < 0.5 ? ${top24('c1h', 'c1l')} : ${top24('c3h', 'c3l')}) * ${UNIT};
      ${cos2pi('u2')} return rng[8] + rng[9] * Math.sqrt(2.0 * ${minusLog1m('v')}) * cs;`;
  const lanes = [0, 1, 2, 3].map((l) => `count += w0 + ${f(l)} >= start && w0 + ${f(l)} < end && ${top24(`c${l}h`, `c${l}l`)} < rng[8] ? 1.0 : 0.0;`);
  return `const start = i * ${f(n)}; const end = start + ${f(n)}; let count = 0.0; let blk = Math.floor(start * 0.25);
    for (let s = 0; s < ${Math.ceil(n / 4) + 1}; s++) {
      const w0 = blk * 4.0; if (w0 >= end) { break; }
      ${block('blk')} ${lanes.join(' ')} blk += 1.0;
    }
    return count;`;
}

/** The stream's key and counter as 16-bit halves, then the distribution's parameters (binomial: ⌈p·2^24⌉). */
function rngValues(op: RandomDraw): (inputs: readonly NDArray[]) => Float32Array {
  return (inputs) => {
    const s = inputs[0]!.data;
    const [a, b] = inputs.slice(1 + op.ndim).map((x) => x.item()) as [number, number];
    const threshold = Number.isNaN(b) ? 0 : Math.min(MAX_WORDS, Math.max(0, Math.ceil(b * MAX_WORDS)));
    const params = op.dist === 'binomial' ? [threshold, 0] : [a, b];
    return Float32Array.from([...halves(s[0]!), ...halves(s[1]!), ...halves(s[2]!), ...halves(s[3]!), ...params]);
  };
}

/** The new state, as perform leaves it (src/ops/random-draw.ts): the counter advanced by ⌈words / 4⌉ blocks. */
function advancedState(op: RandomDraw, size: number): (inputs: readonly NDArray[]) => NDArray {
  return (inputs) => {
    const s = inputs[0]!.data;
    const words = size * wordsPerElement(op, inputs[1 + op.ndim]!.item());
    const lo = (s[2]! >>> 0) + Math.ceil(words / 4);
    const hi = (s[3]! >>> 0) + Math.floor(lo / 2 ** 32);
    return new NDArray('int32', [4], Int32Array.from([s[0]!, s[1]!, (lo % 2 ** 32) | 0, (hi % 2 ** 32) | 0]));
  };
}

/**
 * A random draw that gives the host's numbers: the sample in one stage (Philox in exact float arithmetic), the new
 * state on the host. Declines (the host draws) for integer uniform/normal samples (the host truncates them), a
 * binomial n that is not a constant, and draws of 2^24 words or more.
 */
export function renderRandomDraw(node: Apply, { outputs: [, shape] }: GpuShapes): GpuRendering | undefined {
  const op = node.op as RandomDraw;
  const nInput = node.inputs[1 + op.ndim];
  if (op.dist === 'binomial' && !(nInput instanceof Constant)) return undefined;
  if (op.dist !== 'binomial' && !isFloat(op.dtype)) return undefined;
  const n = op.dist === 'binomial' ? wordsPerElement(op, (nInput as Constant).value.item()) : 0;
  const size = shape!.reduce((p, d) => p * d, 1);
  if (size * wordsPerElement(op, n) >= MAX_WORDS) return undefined;
  const stage: GpuStage = {
    source: `function (rng) { const i = this.thread.x; ${body(op, n)} }`,
    args: [{ host: rngValues(op) }],
    size,
    label: op.name,
  };
  const blocks = Math.ceil(n / 4) + 1;
  if (blocks > 1000) stage.loopMaxIterations = blocks;
  return { stages: [stage], outputs: [-1, 0], hostOutputs: { 0: advancedState(op, size) } };
}
