/**
 * The ops random graphs are made of. Each entry builds a well-typed node from operands of any shape: an
 * operand that does not fit is repaired (reshaped, reduced to a scalar, lifted to 4-d), and an integer
 * parameter `p` picks axes, windows, border modes. So every recipe is a valid graph, and shrinking may replace
 * any subtree by another without producing an ill-typed one. This file: the shared types and repairs, and the
 * elementwise, reduction, shape and indexing families; graph-ops-nn.ts: dot, nnet, conv2d and pooling.
 */
import type { Variable } from '../ir/variable.js';
import { T } from '../index.js';

/** A node under construction: its variable and its concrete shape (known, since the input shapes are). */
export interface Built {
  v: Variable;
  shape: number[];
}

export interface BuildContext {
  /** A new float64 input (a weight the op needs, such as conv2d's filters), with seeded values. */
  param(shape: number[]): Built;
}

/** One op of the random-graph generator. */
export interface GraphOp {
  readonly name: string;
  /** How many operand subgraphs it takes (1 or 2). */
  readonly arity: 1 | 2;
  /** Relative frequency (default 1). */
  readonly weight?: number;
  /** Builds the node; `p` is a non-negative integer that may choose among variants. */
  build(args: readonly Built[], p: number, ctx: BuildContext): Built;
}

export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** NumPy's broadcast of two shapes, or null. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] | null {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return null;
    out.push(Math.max(x, y));
  }
  return out;
}

export function reshapeTo(b: Built, shape: number[]): Built {
  if (b.shape.length === shape.length && b.shape.every((d, i) => d === shape[i])) return b;
  return { v: T.reshape(b.v, shape), shape };
}

/** A scalar summary of b (its mean), which broadcasts against anything. */
function toScalar(b: Built): Built {
  return b.shape.length === 0 ? b : { v: T.mean(b.v), shape: [] };
}

/** Makes `b` broadcast against `a`: kept if it does, reshaped to a's shape if sizes agree, else its mean. */
export function fitTo(a: Built, b: Built): Built {
  if (broadcastShapes(a.shape, b.shape)) return b;
  if (sizeOf(a.shape) === sizeOf(b.shape)) return reshapeTo(b, a.shape);
  return toScalar(b);
}

/** Rank 1 or 2 (rows × last axis), for dot and softmax. */
export function toMatrixOrVector(b: Built): Built {
  if (b.shape.length === 1 || b.shape.length === 2) return b;
  if (b.shape.length === 0) return reshapeTo(b, [1]);
  return reshapeTo(b, [sizeOf(b.shape.slice(0, -1)), b.shape[b.shape.length - 1]!]);
}

export function toMatrix(b: Built): Built {
  const m = toMatrixOrVector(b);
  return m.shape.length === 2 ? m : reshapeTo(m, [1, m.shape[0]!]);
}

/** (batch, channels, rows, cols) for conv2d: rank 3 gains a batch axis; lower ranks become one image. */
export function toImage(b: Built, p: number): Built {
  const s = b.shape;
  if (s.length === 4) return b;
  if (s.length === 3) return reshapeTo(b, [1, ...s]);
  if (s.length === 2) return reshapeTo(b, [1, 1, ...s]);
  const n = sizeOf(s);
  const divisors = divisorsOf(n);
  const r = divisors[p % divisors.length]!;
  return reshapeTo(b, [1, 1, r, n / r]);
}

function divisorsOf(n: number): number[] {
  const out: number[] = [];
  for (let d = 1; d <= n; d++) if (n % d === 0) out.push(d);
  return out;
}

/** Bits of p, for choosing variants independently. */
export const bits = (p: number, from: number, count: number): number => (p >>> from) & ((1 << count) - 1);

const unary = (name: string, f: (v: Variable) => Variable, weight = 1): GraphOp => ({
  name,
  arity: 1,
  weight,
  build: ([a]) => ({ v: f(a!.v), shape: a!.shape.slice() }),
});

const binary = (name: string, f: (a: Variable, b: Variable) => Variable, weight = 1): GraphOp => ({
  name,
  arity: 2,
  weight,
  build: ([a, b0]) => {
    const b = fitTo(a!, b0!);
    return { v: f(a!.v, b.v), shape: broadcastShapes(a!.shape, b.shape)! };
  },
});

// Smooth elementwise ops; those with a restricted domain get an argument inside it (x² + 0.5 > 0).
const positive = (v: Variable): Variable => T.add(T.sqr(v), 0.5);
export const elementwiseOps: readonly GraphOp[] = [
  unary('neg', T.neg),
  unary('exp', T.exp),
  unary('tanh', T.tanh, 2),
  unary('sigmoid', T.nnet.sigmoid),
  unary('softplus', T.nnet.softplus),
  unary('sqr', T.sqr),
  unary('log', (v) => T.log(positive(v))),
  unary('sqrt', (v) => T.sqrt(positive(v))),
  unary('log1p', (v) => T.log1p(T.sqr(v))),
  binary('add', T.add, 2),
  binary('sub', T.sub),
  binary('mul', T.mul, 2),
  binary('div', (a, b) => T.div(a, positive(b))),
  binary('pow', (a, b) => T.pow(positive(a), T.tanh(b))),
];

/** Ops with kinks or ties (checkGrad skips the points that sit on one). */
export const kinkOps: readonly GraphOp[] = [
  unary('abs', T.abs),
  unary('relu', (v) => T.nnet.relu(v)),
  unary('clip', (v) => T.clip(v, -0.9, 0.9)),
  binary('maximum', T.maximum),
  binary('minimum', T.minimum),
  binary('switch', (a, b) => T.switch(T.gt(a, 0), a, T.mul(b, 0.5))),
];

function reduction(name: 'sum' | 'mean' | 'max' | 'min'): GraphOp {
  return {
    name,
    arity: 1,
    build: ([a], p) => {
      const r = a!.shape.length;
      const k = r === 0 ? 0 : p % (r + 1);
      if (r === 0 || k === r) return { v: T[name](a!.v), shape: [] };
      return { v: T[name](a!.v, k), shape: a!.shape.filter((_, i) => i !== k) };
    },
  };
}

export const reductionOps: readonly GraphOp[] = [reduction('sum'), reduction('mean'), reduction('max'), reduction('min')];

/** A factorisation of n into `rank` factors chosen by p. */
function factorise(n: number, rank: number, p: number): number[] {
  const out: number[] = [];
  let rest = n;
  for (let i = 0; i < rank - 1; i++) {
    const ds = divisorsOf(rest);
    const d = ds[bits(p, 4 * i, 4) % ds.length]!;
    out.push(d);
    rest /= d;
  }
  out.push(rest);
  return out;
}

/** The permutation of 0..n-1 with Lehmer code taken from p. */
function permutation(n: number, p: number): number[] {
  const pool = Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  for (let k = n; k > 0; k--) {
    out.push(pool.splice(p % k, 1)[0]!);
    p = Math.floor(p / k);
  }
  return out;
}

export const shapeOps: readonly GraphOp[] = [
  {
    name: 'reshape',
    arity: 1,
    build: ([a], p) => {
      const n = sizeOf(a!.shape);
      const rank = 1 + (p % 3);
      const shape = factorise(n, rank, p >>> 2);
      // Sometimes let reshape infer one length (-1).
      if (bits(p, 14, 1) && shape.length > 1) return { v: T.reshape(a!.v, [...shape.slice(0, -1), -1]), shape };
      return reshapeTo(a!, shape);
    },
  },
  {
    name: 'flatten',
    arity: 1,
    build: ([a], p) => {
      const s = a!.shape;
      const ndim = s.length >= 2 && p % 2 ? 2 : 1;
      const shape = ndim === 1 ? [sizeOf(s)] : [s[0]!, sizeOf(s.slice(1))];
      return { v: T.flatten(a!.v, ndim), shape };
    },
  },
  {
    name: 'dimshuffle',
    arity: 1,
    build: ([a], p) => {
      const r = a!.shape.length;
      const perm: (number | 'x')[] = permutation(r, p % 24);
      // Sometimes insert a broadcastable axis.
      if (bits(p, 5, 1)) perm.splice(bits(p, 6, 2) % (r + 1), 0, 'x');
      return { v: T.dimshuffle(a!.v, ...perm), shape: perm.map((k) => (k === 'x' ? 1 : a!.shape[k]!)) };
    },
  },
  {
    name: 'transpose',
    arity: 1,
    build: ([a]) => ({ v: a!.v.T, shape: a!.shape.slice().reverse() }),
  },
];

/** A 1-d view of rank-0 operands, so that indexing always has an axis. */
const atLeast1d = (a: Built): Built => (a.shape.length === 0 ? reshapeTo(a, [1]) : a);

export const indexingOps: readonly GraphOp[] = [
  {
    name: 'subtensor',
    arity: 1,
    build: ([a0], p) => {
      const a = atLeast1d(a0!);
      const r = a.shape.length;
      const axis = p % r;
      const n = a.shape[axis]!;
      const lead = Array.from({ length: axis }, () => T.slice());
      const kind = bits(p, 2, 2);
      if (kind === 0) {
        // An int index (negative half of the time): the axis goes away.
        const i = bits(p, 4, 4) % n;
        const idx = bits(p, 8, 1) ? i - n : i;
        return { v: a.v.get(...lead, idx), shape: a.shape.filter((_, k) => k !== axis) };
      }
      // A slice with step 1, 2 or -1, never empty.
      const step = kind === 1 ? 1 : kind === 2 ? 2 : -1;
      const start = bits(p, 4, 4) % n;
      let count: number;
      let sl;
      if (step > 0) {
        count = Math.max(1, Math.ceil((n - start) / step));
        sl = T.slice(start, null, step);
      } else {
        count = start + 1;
        sl = T.slice(start, null, -1);
      }
      const shape = a.shape.slice();
      shape[axis] = count;
      return { v: a.v.get(...lead, sl), shape };
    },
  },
  {
    name: 'advancedSubtensor',
    arity: 1,
    build: ([a0], p) => {
      const a = atLeast1d(a0!);
      const n = a.shape[0]!;
      const m = 1 + (p % 4);
      // Indices may repeat: the gradient must add them up (np.add.at).
      const idx = Array.from({ length: m }, (_, k) => bits(p, 2 + 3 * k, 3) % n);
      return { v: a.v.get(idx), shape: [m, ...a.shape.slice(1)] };
    },
  },
  setOrInc('setSubtensor', T.setSubtensor),
  setOrInc('incSubtensor', T.incSubtensor),
];

function setOrInc(name: string, f: (region: Variable, value: Variable) => Variable): GraphOp {
  return {
    name,
    arity: 2,
    build: ([a0, b], p) => {
      const a = atLeast1d(a0!);
      const n = a.shape[0]!;
      const start = p % n;
      const stop = start + 1 + (bits(p, 4, 4) % (n - start));
      const region = [stop - start, ...a.shape.slice(1)];
      const value = sizeOf(b!.shape) === sizeOf(region) ? reshapeTo(b!, region) : toScalar(b!);
      return { v: f(a.v.get(T.slice(start, stop)), value.v), shape: a.shape.slice() };
    },
  };
}
