/**
 * Small float64 reference implementations, written independently of tsano: plain index arithmetic and nested
 * loops over a minimal `Arr` (shape + row-major Float64Array). Nothing here imports or calls tsano ops, so
 * tests that compare tsano against these can fail when tsano is wrong.
 */

export interface Arr {
  shape: number[];
  data: Float64Array;
}

export type NestedNum = number | NestedNum[];

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function stridesOf(shape: readonly number[]): number[] {
  const s: number[] = new Array(shape.length);
  let acc = 1;
  for (let a = shape.length - 1; a >= 0; a--) {
    s[a] = acc;
    acc *= shape[a]!;
  }
  return s;
}

/** An Arr from a shape and values (an array, a function of the flat index, or zeros). */
export function arr(shape: readonly number[], values?: ArrayLike<number> | ((i: number) => number)): Arr {
  const n = sizeOf(shape);
  const data = new Float64Array(n);
  if (typeof values === 'function') for (let i = 0; i < n; i++) data[i] = values(i);
  else if (values) {
    if (values.length !== n) throw new Error(`arr: ${values.length} values for shape [${shape.join(', ')}]`);
    for (let i = 0; i < n; i++) data[i] = values[i]!;
  }
  return { shape: shape.slice(), data };
}

export function scalarArr(v: number): Arr {
  return arr([], [v]);
}

/** Nested JS arrays to an Arr (must be rectangular). */
export function fromNested(v: NestedNum): Arr {
  const shape: number[] = [];
  let cur: NestedNum = v;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0] as NestedNum;
  }
  const flat: number[] = [];
  const walk = (x: NestedNum, depth: number): void => {
    if (depth === shape.length) {
      if (Array.isArray(x)) throw new Error('fromNested: ragged');
      flat.push(x);
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[depth]) throw new Error('fromNested: ragged');
    for (const e of x) walk(e, depth + 1);
  };
  walk(v, 0);
  return arr(shape, flat);
}

export function toNested(a: Arr): NestedNum {
  const st = stridesOf(a.shape);
  const build = (axis: number, off: number): NestedNum => {
    if (axis === a.shape.length) return a.data[off]!;
    const out: NestedNum[] = [];
    for (let i = 0; i < a.shape[axis]!; i++) out.push(build(axis + 1, off + i * st[axis]!));
    return out;
  };
  return build(0, 0);
}

/** Multi-index of flat position i. */
export function unravel(i: number, shape: readonly number[]): number[] {
  const idx: number[] = new Array(shape.length);
  for (let a = shape.length - 1; a >= 0; a--) {
    const d = shape[a]!;
    idx[a] = i % d;
    i = Math.floor(i / d);
  }
  return idx;
}

export function ravel(idx: readonly number[], shape: readonly number[]): number {
  let off = 0;
  for (let a = 0; a < shape.length; a++) off = off * shape[a]! + idx[a]!;
  return off;
}

export function at(a: Arr, ...idx: number[]): number {
  return a.data[ravel(idx, a.shape)]!;
}

export function clone(a: Arr): Arr {
  return { shape: a.shape.slice(), data: a.data.slice() };
}

// ---------------------------------------------------------------------------------------------------------
// Seeded randomness (mulberry32), independent of tsano's RNG.

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform values in [lo, hi). */
export function randArr(shape: readonly number[], rand: () => number, lo = -1, hi = 1): Arr {
  return arr(shape, () => lo + (hi - lo) * rand());
}

/** Values with |v| in [lo, hi) and a random sign: keeps away from kinks at 0 (abs, relu, sgn). */
export function randAwayFromZero(shape: readonly number[], rand: () => number, lo = 0.2, hi = 1.5): Arr {
  return arr(shape, () => (rand() < 0.5 ? -1 : 1) * (lo + (hi - lo) * rand()));
}

/** Distinct values (a shuffled, spread-out grid plus jitter): no ties for max/min/argmax gradients. */
export function randDistinct(shape: readonly number[], rand: () => number, spacing = 0.1): Arr {
  const n = sizeOf(shape);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return arr(shape, (i) => (order[i]! - n / 2) * spacing + spacing * 0.3 * rand());
}

export function randInts(n: number, rand: () => number, lo: number, hiExclusive: number): number[] {
  return Array.from({ length: n }, () => lo + Math.floor(rand() * (hiExclusive - lo)));
}

// ---------------------------------------------------------------------------------------------------------
// Elementwise with NumPy broadcasting.

/** NumPy's broadcast of shapes (ranks aligned on the right); throws on a mismatch. */
export function broadcastShapes(...shapes: (readonly number[])[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let k = 0; k < rank; k++) {
    let d = 1;
    for (const s of shapes) {
      const a = s.length - rank + k;
      const v = a < 0 ? 1 : s[a]!;
      if (v === 1) continue;
      if (d !== 1 && d !== v) throw new Error(`broadcast mismatch: ${shapes.map((x) => `[${x.join(',')}]`).join(' ')}`);
      d = v;
    }
    out.push(d);
  }
  return out;
}

/** f applied elementwise with broadcasting; a straightforward gather per output element. */
export function zipWith(inputs: readonly Arr[], f: (...xs: number[]) => number): Arr {
  const shape = broadcastShapes(...inputs.map((a) => a.shape));
  const out = arr(shape);
  const args: number[] = new Array(inputs.length);
  for (let i = 0; i < out.data.length; i++) {
    const idx = unravel(i, shape);
    for (let k = 0; k < inputs.length; k++) {
      const a = inputs[k]!;
      const off = shape.length - a.shape.length;
      let flat = 0;
      for (let ax = 0; ax < a.shape.length; ax++) {
        const d = a.shape[ax]!;
        flat = flat * d + (d === 1 ? 0 : idx[ax + off]!);
      }
      args[k] = a.data[flat]!;
    }
    out.data[i] = f(...args);
  }
  return out;
}

export function map(a: Arr, f: (x: number) => number): Arr {
  return zipWith([a], f);
}

export const add = (a: Arr, b: Arr): Arr => zipWith([a, b], (x, y) => x + y);
export const sub = (a: Arr, b: Arr): Arr => zipWith([a, b], (x, y) => x - y);
export const mul = (a: Arr, b: Arr): Arr => zipWith([a, b], (x, y) => x * y);
export const div = (a: Arr, b: Arr): Arr => zipWith([a, b], (x, y) => x / y);
export const neg1 = (a: Arr): Arr => map(a, (x) => -x);

/** Flat dot product of two arrays of the same size (the projection sum(out * R)). */
export function project(a: Arr, r: Arr): number {
  if (a.data.length !== r.data.length) throw new Error(`project: sizes ${a.data.length} and ${r.data.length}`);
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += a.data[i]! * r.data[i]!;
  return s;
}

// Scalar functions, written out from their definitions.
export const sigmoid1 = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
export const softplus1 = (x: number): number => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

// ---------------------------------------------------------------------------------------------------------
// Reductions.

export function normAxes(rank: number, axis?: number | readonly number[]): number[] {
  if (axis === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : [...axis];
  return [...new Set(list.map((a) => (a < 0 ? a + rank : a)))].sort((p, q) => p - q);
}

/**
 * Reduces over `axes`: for every output position, walks the reduced positions in row-major order and folds
 * `step(acc, value, k)` where k is the index within the reduced block.
 */
export function reduce(
  a: Arr,
  axis: number | readonly number[] | undefined,
  init: number,
  step: (acc: number, v: number, k: number) => number,
  finish?: (acc: number, count: number) => number,
): Arr {
  const axes = normAxes(a.shape.length, axis);
  const keptAxes = a.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const outShape = keptAxes.map((i) => a.shape[i]!);
  const redShape = axes.map((i) => a.shape[i]!);
  const nRed = sizeOf(redShape);
  const out = arr(outShape);
  const full: number[] = new Array(a.shape.length);
  for (let o = 0; o < out.data.length; o++) {
    const oi = unravel(o, outShape);
    keptAxes.forEach((ax, j) => (full[ax] = oi[j]!));
    let acc = init;
    for (let k = 0; k < nRed; k++) {
      const ri = unravel(k, redShape);
      axes.forEach((ax, j) => (full[ax] = ri[j]!));
      acc = step(acc, a.data[ravel(full, a.shape)]!, k);
    }
    out.data[o] = finish ? finish(acc, nRed) : acc;
  }
  return out;
}

export function sum(a: Arr, axis?: number | readonly number[]): Arr {
  return reduce(a, axis, 0, (s, v) => s + v);
}

export function mean(a: Arr, axis?: number | readonly number[]): Arr {
  return reduce(
    a,
    axis,
    0,
    (s, v) => s + v,
    (s, n) => s / n,
  );
}

/** NumPy max: NaN propagates. */
export function max(a: Arr, axis?: number | readonly number[]): Arr {
  return reduce(a, axis, -Infinity, (m, v) => (Number.isNaN(m) || Number.isNaN(v) ? NaN : v > m ? v : m));
}

export function min(a: Arr, axis?: number | readonly number[]): Arr {
  return reduce(a, axis, Infinity, (m, v) => (Number.isNaN(m) || Number.isNaN(v) ? NaN : v < m ? v : m));
}

/** NumPy argmax: first maximum; the first NaN if there is one. Over one axis or the flattened array. */
export function argmax(a: Arr, axis?: number): Arr {
  let best = -Infinity;
  let bestK = -1;
  return reduce(a, axis, 0, (_acc, v, k) => {
    if (k === 0) {
      best = v;
      bestK = 0;
    } else if (!Number.isNaN(best) && (Number.isNaN(v) || v > best)) {
      best = v;
      bestK = k;
    }
    return bestK;
  });
}

// ---------------------------------------------------------------------------------------------------------
// Linear algebra and shape manipulation.

/** NumPy dot for ranks 1 and 2, as triple loops. */
export function dot(a: Arr, b: Arr): Arr {
  const A = a.shape.length === 1 ? { shape: [1, a.shape[0]!], data: a.data } : a;
  const B = b.shape.length === 1 ? { shape: [b.shape[0]!, 1], data: b.data } : b;
  const [m, k] = A.shape as [number, number];
  const [k2, n] = B.shape as [number, number];
  if (k !== k2) throw new Error(`dot: ${k} vs ${k2}`);
  const out = arr([m, n]);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += A.data[i * k + p]! * B.data[p * n + j]!;
      out.data[i * n + j] = s;
    }
  }
  const shape = [...a.shape.slice(0, -1), ...b.shape.slice(1)];
  return { shape, data: out.data };
}

export function outer(a: Arr, b: Arr): Arr {
  const m = a.data.length;
  const n = b.data.length;
  const out = arr([m, n]);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out.data[i * n + j] = a.data[i]! * b.data[j]!;
  return out;
}

/** Theano's dimshuffle: output axis j is input axis pattern[j], or a new axis of size 1 for 'x'. */
export function dimshuffle(a: Arr, pattern: readonly (number | 'x')[]): Arr {
  const shape = pattern.map((p) => (p === 'x' ? 1 : a.shape[p]!));
  const out = arr(shape);
  const src: number[] = new Array(a.shape.length).fill(0);
  for (let i = 0; i < out.data.length; i++) {
    const idx = unravel(i, shape);
    pattern.forEach((p, j) => {
      if (p !== 'x') src[p] = idx[j]!;
    });
    out.data[i] = a.data[ravel(src, a.shape)]!;
  }
  return out;
}

export function transpose(a: Arr): Arr {
  return dimshuffle(
    a,
    a.shape.map((_, i) => a.shape.length - 1 - i),
  );
}

export function reshape(a: Arr, shape: readonly number[]): Arr {
  const s = shape.slice();
  const free = s.indexOf(-1);
  if (free >= 0) s[free] = a.data.length / sizeOf(s.filter((_, i) => i !== free));
  if (sizeOf(s) !== a.data.length) throw new Error('reshape: size mismatch');
  return { shape: s, data: a.data.slice() };
}

/** Softmax along the last axis, straight from the definition with the row max subtracted. */
export function softmax(a: Arr): Arr {
  const cols = a.shape[a.shape.length - 1]!;
  const rows = a.data.length / cols;
  const out = arr(a.shape);
  for (let r = 0; r < rows; r++) {
    let m = -Infinity;
    for (let j = 0; j < cols; j++) m = Math.max(m, a.data[r * cols + j]!);
    let s = 0;
    for (let j = 0; j < cols; j++) s += Math.exp(a.data[r * cols + j]! - m);
    for (let j = 0; j < cols; j++) out.data[r * cols + j] = Math.exp(a.data[r * cols + j]! - m) / s;
  }
  return out;
}

export function logSoftmax(a: Arr): Arr {
  const cols = a.shape[a.shape.length - 1]!;
  const rows = a.data.length / cols;
  const out = arr(a.shape);
  for (let r = 0; r < rows; r++) {
    let m = -Infinity;
    for (let j = 0; j < cols; j++) m = Math.max(m, a.data[r * cols + j]!);
    let s = 0;
    for (let j = 0; j < cols; j++) s += Math.exp(a.data[r * cols + j]! - m);
    const lse = m + Math.log(s);
    for (let j = 0; j < cols; j++) out.data[r * cols + j] = a.data[r * cols + j]! - lse;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Indexing.

export interface PySlice {
  start?: number | null;
  stop?: number | null;
  step?: number | null;
}

/**
 * The indices `range(n)[start:stop:step]` selects, following Python's rules as documented for
 * slice.indices: negative bounds count from the end, then bounds are clamped to the valid range
 * ([0, n] for a positive step, [-1, n-1] for a negative one).
 */
export function pySliceIndices(n: number, s: PySlice): number[] {
  const step = s.step ?? 1;
  if (step === 0) throw new Error('slice step cannot be zero');
  const norm = (v: number | null | undefined, dflt: number, lo: number, hi: number): number => {
    if (v === null || v === undefined) return dflt;
    let r = v < 0 ? v + n : v;
    if (r < lo) r = lo;
    if (r > hi) r = hi;
    return r;
  };
  const out: number[] = [];
  if (step > 0) {
    const start = norm(s.start, 0, 0, n);
    const stop = norm(s.stop, n, 0, n);
    for (let i = start; i < stop; i += step) out.push(i);
  } else {
    const start = norm(s.start, n - 1, -1, n - 1);
    const stop = norm(s.stop, -1, -1, n - 1);
    for (let i = start; i > stop; i += step) out.push(i);
  }
  return out;
}

export type BasicIndex = number | PySlice;

/** NumPy basic indexing: ints remove an axis (negative from the end), slices keep it; missing axes whole. */
export function basicIndex(a: Arr, index: readonly BasicIndex[]): Arr {
  const lists: number[][] = [];
  const keep: boolean[] = [];
  a.shape.forEach((n, ax) => {
    const e = index[ax];
    if (e === undefined) {
      lists.push(Array.from({ length: n }, (_, i) => i));
      keep.push(true);
    } else if (typeof e === 'number') {
      const i = e < 0 ? e + n : e;
      if (i < 0 || i >= n) throw new Error(`index ${e} out of range for axis ${ax} of size ${n}`);
      lists.push([i]);
      keep.push(false);
    } else {
      lists.push(pySliceIndices(n, e));
      keep.push(true);
    }
  });
  const regionShape = lists.map((l) => l.length);
  const outShape = regionShape.filter((_, ax) => keep[ax]);
  const out = arr(outShape);
  for (let i = 0; i < out.data.length; i++) {
    const ri = unravel(i, regionShape);
    out.data[i] =
      a.data[
        ravel(
          ri.map((k, ax) => lists[ax]![k]!),
          a.shape,
        )
      ]!;
  }
  return out;
}

/** Positions of x (flat) covered by a basic index, in row-major order of the region. */
export function basicPositions(shape: readonly number[], index: readonly BasicIndex[]): number[] {
  const probe = arr(shape, (i) => i);
  return Array.from(basicIndex(probe, index).data);
}

/** x with the region of a basic index set to (set) or incremented by (inc) y, y broadcast to the region. */
export function basicSetInc(x: Arr, index: readonly BasicIndex[], y: Arr, mode: 'set' | 'inc'): Arr {
  const region = basicIndex(x, index);
  const yb = zipWith([region, y], (_r, v) => v);
  const pos = basicPositions(x.shape, index);
  const out = clone(x);
  pos.forEach((p, i) => (out.data[p] = mode === 'set' ? yb.data[i]! : out.data[p]! + yb.data[i]!));
  return out;
}

/**
 * NumPy advanced indexing of the leading axes with int lists of one length (a length-1 list broadcasts):
 * result[r, ...rest] = x[i0[r], i1[r], ..., ...rest]; negative indices count from the end.
 */
export function take(x: Arr, lists: readonly (readonly number[])[]): Arr {
  const n = Math.max(...lists.map((l) => l.length));
  const restShape = x.shape.slice(lists.length);
  const inner = sizeOf(restShape);
  const out = arr([n, ...restShape]);
  for (let r = 0; r < n; r++) {
    const lead = lists.map((l, ax) => {
      const raw = l.length === 1 ? l[0]! : l[r]!;
      return raw < 0 ? raw + x.shape[ax]! : raw;
    });
    for (let j = 0; j < inner; j++) {
      const full = [...lead, ...unravel(j, restShape)];
      out.data[r * inner + j] = x.data[ravel(full, x.shape)]!;
    }
  }
  return out;
}

/** x with rows picked by advanced indexing incremented (accumulating repeats, as np.add.at) or set (last wins). */
export function takeSetInc(x: Arr, lists: readonly (readonly number[])[], y: Arr, mode: 'set' | 'inc'): Arr {
  const probe = arr(x.shape, (i) => i);
  const positions = take(probe, lists);
  const yb = zipWith([positions, y], (_p, v) => v);
  const out = clone(x);
  for (let i = 0; i < positions.data.length; i++) {
    const p = positions.data[i]!;
    out.data[p] = mode === 'set' ? yb.data[i]! : out.data[p]! + yb.data[i]!;
  }
  return out;
}

export function arangeRef(start: number, stop: number, step = 1): number[] {
  const out: number[] = [];
  for (let i = 0; ; i++) {
    const v = start + i * step;
    if (step > 0 ? v >= stop : v <= stop) break;
    out.push(v);
  }
  return out;
}
