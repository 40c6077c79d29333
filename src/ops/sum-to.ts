import type { NDArray } from '../ir/ndarray.js';
import { apply1, type Op } from '../ir/op.js';
import { TensorType } from '../ir/type.js';
import type { Apply, Variable } from '../ir/variable.js';
import type { TypedArray } from '../ir/dtype.js';
import { ShapeError } from '../util/errors.js';
import { fill } from './elemwise/fill.js';

/**
 * `sumTo(g, ref)`: sums `g` over the axes where `ref` has size 1 (at run time), giving `ref`'s shape. This is
 * how a gradient that was broadcast is reduced back to its input's shape; only `ref`'s shape is read.
 */
export class SumTo implements Op {
  readonly name = 'sumTo';

  inferTypes([g, ref]: readonly Variable[]): TensorType[] {
    if (g!.ndim !== ref!.ndim) throw new ShapeError(`sumTo: ${g!.describe()} and ${ref!.describe()} differ in rank`);
    return [new TensorType(g!.dtype, ref!.type.shape)];
  }

  outputShapes([g, ref]: readonly NDArray[], node: Apply): number[][] {
    ref!.shape.forEach((d, a) => {
      if (d !== 1 && d !== g!.shape[a]) {
        throw new ShapeError(
          `sumTo: cannot reduce ${node.inputs[0]!.describeWithShape(g!.shape)} to the shape of ${node.inputs[1]!.describeWithShape(ref!.shape)}`,
        );
      }
    });
    return [ref!.shape.slice()];
  }

  perform([g]: readonly NDArray[], [out]: NDArray[]): void {
    const o = out!.data;
    // Usually nothing was broadcast: a copy.
    if (g!.size === out!.size) return o.set(g!.data);
    o.fill(0);
    if (g!.size > 0) sumToLoops(g!.data, g!.shape, o, out!.shape);
  }

  grad([g]: readonly Variable[], _o: readonly Variable[], [gz]: readonly Variable[]): (Variable | null)[] {
    return [fill(g!, gz!), null];
  }

  toString(): string {
    return 'sumTo';
  }
}

const sumToOp = new SumTo();

/** Reduces a broadcast gradient `g` to the shape of `ref`; no node when the static shapes already agree. */
export function sumTo(g: Variable, ref: Variable): Variable {
  const gs = g.type.shape;
  const rs = ref.type.shape;
  if (g.ndim === ref.ndim && rs.every((d, i) => d !== null && d === gs[i])) return g;
  return apply1(sumToOp, [g, ref]);
}

/*
 * The loops. g's axes are merged into runs of kept and of summed axes (size-1 axes dropped), so that the
 * innermost run is contiguous: a kept one is added row by row into a contiguous stretch of the output, a
 * summed one reduces rows to single outputs, several rows at once, in registers. Every output still receives
 * its terms one at a time in g's order, each sum rounded to the output's type, so the results are those of
 * `out[j] += g[i]` over i in order, bit for bit.
 */

function sumToLoops(src: TypedArray, gShape: readonly number[], o: TypedArray, outShape: readonly number[]): void {
  const sizes: number[] = [];
  const summed: boolean[] = [];
  gShape.forEach((d, a) => {
    if (d === 1) return;
    const s = outShape[a] === 1;
    if (summed.length > 0 && summed[summed.length - 1] === s) sizes[sizes.length - 1]! *= d;
    else {
      sizes.push(d);
      summed.push(s);
    }
  });
  const last = sizes.length - 1;
  const inner = sizes[last]!;
  // A block: the innermost run, with the kept run before it when the innermost is summed.
  const rows = summed[last] && last > 0 ? sizes[last - 1]! : 1;
  const outer = summed[last] ? Math.max(last - 1, 0) : last;
  const blockSize = rows * inner;
  // The runs outside a block, walked as an odometer with each run's step in the output (0 where summed).
  const step = new Array<number>(outer);
  for (let r = outer - 1, stride = summed[last] ? rows : inner; r >= 0; r--) {
    step[r] = summed[r] ? 0 : stride;
    if (!summed[r]) stride *= sizes[r]!;
  }
  const idx = new Array<number>(outer).fill(0);
  const blocks = src.length / blockSize;
  for (let b = 0, sb = 0, ob = 0; b < blocks; b++, sb += blockSize) {
    if (!summed[last]) addRow(src, sb, o, ob, inner);
    else if (src instanceof Float32Array && o instanceof Float32Array) sumRowsF32(src, sb, o, ob, rows, inner);
    else if (src instanceof Float64Array && o instanceof Float64Array) sumRowsF64(src, sb, o, ob, rows, inner);
    else sumRowsAny(src, sb, o, ob, rows, inner);
    for (let r = outer - 1; r >= 0; r--) {
      ob += step[r]!;
      if (++idx[r]! < sizes[r]!) break;
      ob -= step[r]! * idx[r]!;
      idx[r] = 0;
    }
  }
}

function addRow(src: TypedArray, sb: number, o: TypedArray, ob: number, n: number): void {
  for (let i = 0; i < n; i++) o[ob + i] += src[sb + i]!;
}

/*
 * Each row's sum is a chain of dependent additions; four rows at a time overlap four chains. Float32 sums are
 * rounded after every addition, as storing into the output would.
 */

function sumRowsF32(src: Float32Array, sb: number, o: Float32Array, ob: number, rows: number, n: number): void {
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    let a0 = o[ob + r]!;
    let a1 = o[ob + r + 1]!;
    let a2 = o[ob + r + 2]!;
    let a3 = o[ob + r + 3]!;
    for (let k = sb + r * n, e = k + n; k < e; k++) {
      a0 = Math.fround(a0 + src[k]!);
      a1 = Math.fround(a1 + src[k + n]!);
      a2 = Math.fround(a2 + src[k + 2 * n]!);
      a3 = Math.fround(a3 + src[k + 3 * n]!);
    }
    o[ob + r] = a0;
    o[ob + r + 1] = a1;
    o[ob + r + 2] = a2;
    o[ob + r + 3] = a3;
  }
  for (; r < rows; r++) {
    let a = o[ob + r]!;
    for (let k = sb + r * n, e = k + n; k < e; k++) a = Math.fround(a + src[k]!);
    o[ob + r] = a;
  }
}

function sumRowsF64(src: Float64Array, sb: number, o: Float64Array, ob: number, rows: number, n: number): void {
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    let a0 = o[ob + r]!;
    let a1 = o[ob + r + 1]!;
    let a2 = o[ob + r + 2]!;
    let a3 = o[ob + r + 3]!;
    for (let k = sb + r * n, e = k + n; k < e; k++) {
      a0 += src[k]!;
      a1 += src[k + n]!;
      a2 += src[k + 2 * n]!;
      a3 += src[k + 3 * n]!;
    }
    o[ob + r] = a0;
    o[ob + r + 1] = a1;
    o[ob + r + 2] = a2;
    o[ob + r + 3] = a3;
  }
  for (; r < rows; r++) {
    let a = o[ob + r]!;
    for (let k = sb + r * n, e = k + n; k < e; k++) a += src[k]!;
    o[ob + r] = a;
  }
}

/** Integer types: added in place, so each sum wraps as the output's type does. */
function sumRowsAny(src: TypedArray, sb: number, o: TypedArray, ob: number, rows: number, n: number): void {
  for (let r = 0; r < rows; r++) {
    for (let k = sb + r * n, e = k + n; k < e; k++) o[ob + r] += src[k]!;
  }
}
