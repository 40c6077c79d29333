import type { NDArray } from '../ir/ndarray.js';
import type { TypedArray } from '../ir/dtype.js';
import { isFloat } from '../ir/dtype.js';
import { apply1, opToString, type Op } from '../ir/op.js';
import { TensorType } from '../ir/type.js';
import type { Apply, Variable } from '../ir/variable.js';
import { TypeMismatchError } from '../util/errors.js';
import { checkPoolParams, GeometryCache, inferPooledShape, type PoolGeometry, type PoolMode, type PoolParams } from './pool-geometry.js';
import { int32View, pairsMax } from './pool2d-fast.js';
import { pool2dGrad } from './pool2d-grad.js';

/**
 * 2-D pooling over the last two axes of a tensor of rank ≥ 2 (leading axes are images, channels, …), as Theano
 * 1.0's `theano.tensor.signal.pool.Pool`: windows `ws`, steps `stride`, `pad` rows/columns on each side (only
 * with ignoreBorder true, and smaller than the window), output sizes from Pool.out_shape.
 *
 * Modes, each over the window's real elements (padding never takes part, except in averageIncPad's count):
 * - 'max': the maximum; NaN wins, as in T.max. Padding behaves as -Infinity, so it never wins.
 * - 'sum': the sum.
 * - 'averageIncPad': the sum divided by the window's size counting the padding: ws[0] * ws[1], except for a
 *   partial window at the bottom/right edge (ignoreBorder false, where there is never padding), which divides
 *   by the elements it covers.
 * - 'averageExcPad': the sum divided by the number of real elements in the window.
 * - 'l2': the square root of the sum of squares (no Theano release has it; the book mentions L2 pooling).
 *
 * Gradient (Pool2dGrad, in pool2d-grad.ts): for 'max', every input equal to its window's maximum receives that
 * window's output gradient (Theano's choice for ties), summed over the windows it belongs to; for the sums
 * and averages, each window's gradient spread over its real elements (divided as the forward divides); for
 * 'l2', x / out * gz, 0 where out is 0.
 */
export class Pool2d implements Op {
  readonly name = 'maxPool2d';
  readonly params: Readonly<Record<string, unknown>>;
  // A memo of window tables, private (#) so that the merge pass, which compares ops by their fields, ignores it.
  readonly #geometry: GeometryCache;

  constructor(readonly p: PoolParams) {
    this.params = { ws: p.ws, stride: p.stride, pad: p.pad, ignoreBorder: p.ignoreBorder, mode: p.mode };
    this.#geometry = new GeometryCache(p);
  }

  get mode(): PoolMode {
    return this.p.mode as PoolMode;
  }

  inferTypes([x]: readonly Variable[]): TensorType[] {
    if (x!.ndim < 2) throw new TypeMismatchError(`maxPool2d: the input must have rank 2 or more (the last two axes are pooled): ${x!.describe()}`);
    checkPoolParams(this.p, x!);
    if (this.mode !== 'max' && !isFloat(x!.dtype)) {
      throw new TypeMismatchError(`maxPool2d: mode '${this.mode}' needs a float input (only 'max' takes integers): ${x!.describe()}`);
    }
    return [new TensorType(x!.dtype, inferPooledShape(x!, this.p))];
  }

  outputShapes([x]: readonly NDArray[], node: Apply): number[][] {
    const g = this.#geometry.get(x!, node);
    return [[...x!.shape.slice(0, -2), g.rows.length, g.cols.length]];
  }

  perform([x]: readonly NDArray[], [out]: NDArray[], node: Apply): void {
    const g = this.#geometry.get(x!, node);
    const X = x!.data;
    const O = out!.data;
    switch (this.mode) {
      case 'max':
        if (g.pairs) return pairsMax(X, O, g);
        if (X instanceof Float32Array && O instanceof Float32Array) return poolMaxF32(int32View(X), int32View(O), g);
        return poolMax(X, O, g);
      case 'sum':
        return poolSum(X, O, g, false);
      case 'averageIncPad':
      case 'averageExcPad':
        return poolSum(X, O, g, true);
      case 'l2':
        return poolL2(X, O, g);
    }
  }

  grad([x]: readonly Variable[], [z]: readonly Variable[], [gz]: readonly Variable[]): (Variable | null)[] {
    const needsOut = this.mode === 'max' || this.mode === 'l2';
    return [pool2dGrad(this.p, x!, needsOut ? z! : null, gz!)];
  }

  pp([x]: string[]): string {
    return `${this.toString()}(${x})`;
  }

  toString(): string {
    return opToString(this.name, this.params);
  }
}

/*
 * The general loops (whole 2×2 windows have their own, in pool2d-fast.ts). Windows come from the geometry tables
 * (real-input ranges per output row and column), so padding and partial windows need no tests inside them;
 * `planes` images of h × w lie one after another.
 */

function poolMax(X: TypedArray, O: TypedArray, g: PoolGeometry): void {
  const { w, rows, cols, planes } = g;
  const plane = g.h * w;
  const oh = rows.length;
  const ow = cols.length;
  const rs = rows.start;
  const re = rows.end;
  const cs = cols.start;
  const ce = cols.end;
  let o = 0;
  for (let n = 0, base = 0; n < planes; n++, base += plane) {
    for (let i = 0; i < oh; i++) {
      const r0 = base + rs[i]! * w;
      const r1 = base + re[i]! * w;
      for (let j = 0; j < ow; j++) {
        const c0 = cs[j]!;
        const c1 = ce[j]!;
        // Math.max propagates NaN and compiles without data-dependent branches on the comparison result.
        let m = -Infinity;
        if (c1 - c0 === 2) {
          for (let k = r0 + c0; k < r1; k += w) m = Math.max(m, X[k]!, X[k + 1]!);
        } else {
          for (let r = r0; r < r1; r += w) {
            for (let k = r + c0, e = r + c1; k < e; k++) m = Math.max(m, X[k]!);
          }
        }
        O[o++] = m;
      }
    }
  }
}

/**
 * Max of float32 data without data-dependent branches: V8 compiles float comparisons (and Math.max) to
 * branches, which mispredict on about one element in three of fresh data; on the bits, an order-preserving
 * integer key (sign-magnitude to two's complement) and mask arithmetic select the maximum instead, about three
 * times faster on the book's shapes. Exact: the output is the winning element's bits. NaN wins (as Math.max):
 * a NaN seen in the window sets a flag, and the window's result becomes NaN. -0 ranks below +0, as in Math.max.
 */
export function poolMaxF32(XI: Int32Array, OI: Int32Array, g: PoolGeometry): void {
  const { w, rows, cols, planes } = g;
  const plane = g.h * w;
  const oh = rows.length;
  const ow = cols.length;
  const rs = rows.start;
  const re = rows.end;
  const cs = cols.start;
  const ce = cols.end;
  let o = 0;
  for (let n = 0, base = 0; n < planes; n++, base += plane) {
    for (let i = 0; i < oh; i++) {
      const r0 = base + rs[i]! * w;
      const r1 = base + re[i]! * w;
      for (let j = 0; j < ow; j++) {
        const c0 = cs[j]!;
        const c1 = ce[j]!;
        let bestKey = -0x80000000; // below every non-NaN float's key (-Infinity's is 0x807fffff)
        let best = 0;
        let nan = 0;
        for (let r = r0; r < r1; r += w) {
          for (let k = r + c0, e = r + c1; k < e; k++) {
            const bits = XI[k]!;
            const key = bits ^ ((bits >> 31) & 0x7fffffff);
            const take = -(key > bestKey);
            bestKey ^= (bestKey ^ key) & take;
            best ^= (best ^ bits) & take;
            nan |= -((bits & 0x7fffffff) > 0x7f800000);
          }
        }
        OI[o++] = (best & ~nan) | (0x7fc00000 & nan);
      }
    }
  }
}

function poolSum(X: TypedArray, O: TypedArray, g: PoolGeometry, average: boolean): void {
  const { w, rows, cols, planes } = g;
  const plane = g.h * w;
  const oh = rows.length;
  const ow = cols.length;
  const rs = rows.start;
  const re = rows.end;
  const cs = cols.start;
  const ce = cols.end;
  const rc = rows.count;
  const cc = cols.count;
  let o = 0;
  for (let n = 0, base = 0; n < planes; n++, base += plane) {
    for (let i = 0; i < oh; i++) {
      const r0 = base + rs[i]! * w;
      const r1 = base + re[i]! * w;
      const rn = rc[i]!;
      for (let j = 0; j < ow; j++) {
        const c0 = cs[j]!;
        const c1 = ce[j]!;
        let s = 0;
        for (let r = r0; r < r1; r += w) {
          for (let k = r + c0, e = r + c1; k < e; k++) s += X[k]!;
        }
        O[o++] = average ? s / (rn * cc[j]!) : s;
      }
    }
  }
}

function poolL2(X: TypedArray, O: TypedArray, g: PoolGeometry): void {
  const { w, rows, cols, planes } = g;
  const plane = g.h * w;
  const oh = rows.length;
  const ow = cols.length;
  const rs = rows.start;
  const re = rows.end;
  const cs = cols.start;
  const ce = cols.end;
  let o = 0;
  for (let n = 0, base = 0; n < planes; n++, base += plane) {
    for (let i = 0; i < oh; i++) {
      const r0 = base + rs[i]! * w;
      const r1 = base + re[i]! * w;
      for (let j = 0; j < ow; j++) {
        const c0 = cs[j]!;
        const c1 = ce[j]!;
        let s = 0;
        for (let r = r0; r < r1; r += w) {
          for (let k = r + c0, e = r + c1; k < e; k++) {
            const v = X[k]!;
            s += v * v;
          }
        }
        O[o++] = Math.sqrt(s);
      }
    }
  }
}

/** Applies pooling with resolved (unchecked) parameters; the op checks them against `x`. */
export function pool2d(x: Variable, p: PoolParams): Variable {
  return apply1(new Pool2d(p), [x]);
}
