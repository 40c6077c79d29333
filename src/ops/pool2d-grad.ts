import type { NDArray } from '../ir/ndarray.js';
import type { TypedArray } from '../ir/dtype.js';
import { constant } from '../ir/constant.js';
import { apply1, opToString, type Op } from '../ir/op.js';
import { TensorType } from '../ir/type.js';
import type { Apply, Variable } from '../ir/variable.js';
import { ShapeError, TypeMismatchError } from '../util/errors.js';
import { sameShape } from '../util/shape.js';
import { checkPooledInput, GeometryCache, type PoolGeometry, type PoolMode, type PoolParams } from './pool-geometry.js';
import { pool2d } from './pool2d.js';
import { pairsMaxGrad } from './pool2d-fast.js';
import { zerosLike } from './grad-helpers.js';
import { div } from './elemwise/div.js';
import { eq } from './elemwise/compare.js';
import { mul } from './elemwise/mul.js';
import { neg } from './elemwise/neg.js';
import { sqr } from './elemwise/sqr.js';
import { switchOf } from './elemwise/switch.js';

/**
 * The gradient of Pool2d with respect to its input (Theano's MaxPoolGrad and AveragePoolGrad in one op, plus
 * l2). Inputs: (x, z, gz) for 'max' and 'l2', where z is the forward output; (x, gz) for the sums and
 * averages, where x gives only the shape. Output: gx, shaped like x, zero where no window reaches.
 *
 * - 'max': every element of a window equal to the window's maximum gets the window's gz (Theano's choice: ties
 *   all receive it, so the result is a subgradient, not a split), summed over overlapping windows.
 * - 'sum' / 'averageIncPad' / 'averageExcPad': gz (divided by the forward's divisor) added to each real element.
 * - 'l2': x * gz / z added to each element of the window; 0 where z is 0 (the window is all zeros).
 *
 * Second derivatives (its own grad): the op is linear in gz, so the gradient with respect to gz is the adjoint
 * map — for 'max' MaxPool2dGradGrad (gz picked at the maximum positions, Theano's DownsampleFactorMaxGradGrad),
 * for the sums and averages the forward pooling itself; for 'max' and the sums the gradients with respect to x
 * and z are zero (as in Theano, piecewise constant), while for 'l2' they are written out with elementwise ops.
 */
export class Pool2dGrad implements Op {
  readonly name = 'maxPool2dGrad';
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

  /** Whether the inputs are (x, z, gz) rather than (x, gz). */
  get takesOutput(): boolean {
    return this.mode === 'max' || this.mode === 'l2';
  }

  inferTypes(inputs: readonly Variable[]): TensorType[] {
    checkGradInputs(this.toString(), inputs, this.takesOutput ? 3 : 2);
    const x = inputs[0]!;
    return [new TensorType(x.dtype, x.type.shape)];
  }

  outputShapes(inputs: readonly NDArray[], node: Apply): number[][] {
    const x = inputs[0]!;
    const g = this.#geometry.get(x, node);
    for (let k = 1; k < inputs.length; k++) checkPooledInput(x, g, inputs[k]!, node, k, 'maxPool2d gradient');
    return [x.shape.slice()];
  }

  perform(inputs: readonly NDArray[], [out]: NDArray[], node: Apply): void {
    const x = inputs[0]!;
    const g = this.#geometry.get(x, node);
    const GX = out!.data;
    if (this.mode === 'max' && g.pairs) return pairsMaxGrad(x.data, inputs[1]!.data, inputs[2]!.data, GX, g);
    GX.fill(0);
    switch (this.mode) {
      case 'max':
        return maxGrad(x.data, inputs[1]!.data, inputs[2]!.data, GX, g);
      case 'sum':
        return sumGrad(inputs[1]!.data, GX, g, false);
      case 'averageIncPad':
      case 'averageExcPad':
        return sumGrad(inputs[1]!.data, GX, g, true);
      case 'l2':
        return l2Grad(x.data, inputs[1]!.data, inputs[2]!.data, GX, g);
    }
  }

  grad(inputs: readonly Variable[], _outputs: readonly Variable[], [ggx]: readonly Variable[]): (Variable | null)[] {
    const x = inputs[0]!;
    const gg = ggx!;
    switch (this.mode) {
      case 'max': {
        const z = inputs[1]!;
        return [zerosLike(x), zerosLike(z), maxPool2dGradGrad(this.p, x, z, gg)];
      }
      case 'l2':
        return l2SecondDerivatives(this.p, x, inputs[1]!, inputs[2]!, gg);
      default:
        return [zerosLike(x), pool2d(gg, this.p)];
    }
  }

  pp(args: string[]): string {
    return `${this.toString()}(${args.join(', ')})`;
  }

  toString(): string {
    return opToString(this.name, this.params);
  }
}

/**
 * The adjoint of max pooling's gradient with respect to gz (Theano's DownsampleFactorMaxGradGrad): inputs
 * (x, z, ggx), output shaped like z, each window's output the sum of ggx over the window's elements equal to
 * its maximum (every tie counts, matching Pool2dGrad). Its own gradient is Pool2dGrad (the map it is the
 * adjoint of), and zero with respect to x and z.
 */
export class MaxPool2dGradGrad implements Op {
  readonly name = 'maxPool2dGradGrad';
  readonly params: Readonly<Record<string, unknown>>;
  // A memo of window tables, private (#) so that the merge pass, which compares ops by their fields, ignores it.
  readonly #geometry: GeometryCache;

  constructor(readonly p: PoolParams) {
    this.params = { ws: p.ws, stride: p.stride, pad: p.pad, ignoreBorder: p.ignoreBorder };
    this.#geometry = new GeometryCache(p);
  }

  inferTypes(inputs: readonly Variable[]): TensorType[] {
    checkGradInputs(this.toString(), inputs, 3);
    return [new TensorType(inputs[0]!.dtype, inputs[1]!.type.shape)];
  }

  outputShapes([x, z, ggx]: readonly NDArray[], node: Apply): number[][] {
    const g = this.#geometry.get(x!, node);
    checkPooledInput(x!, g, z!, node, 1, 'maxPool2d second derivative');
    if (!sameShape(ggx!.shape, x!.shape)) {
      throw new ShapeError(
        `maxPool2d second derivative: ${node.inputs[2]!.describeWithShape(ggx!.shape)} should have the shape of ${node.inputs[0]!.describeWithShape(x!.shape)}.${node.outputs[0]!.createdAt()}`,
      );
    }
    return [z!.shape.slice()];
  }

  perform([x, z, ggx]: readonly NDArray[], [out]: NDArray[], node: Apply): void {
    const g = this.#geometry.get(x!, node);
    maxGradGrad(x!.data, z!.data, ggx!.data, out!.data, g);
  }

  grad([x, z]: readonly Variable[], _o: readonly Variable[], [g]: readonly Variable[]): (Variable | null)[] {
    return [zerosLike(x!), zerosLike(z!), pool2dGrad({ ...this.p, mode: 'max' }, x!, z!, g!)];
  }

  pp(args: string[]): string {
    return `${this.toString()}(${args.join(', ')})`;
  }

  toString(): string {
    return opToString(this.name, this.params);
  }
}

function checkGradInputs(op: string, inputs: readonly Variable[], n: number): void {
  if (inputs.length !== n || inputs.some((v) => v.ndim !== inputs[0]!.ndim) || inputs[0]!.ndim < 2) {
    throw new TypeMismatchError(`${op}: expected ${n} inputs of one rank ≥ 2; got ${inputs.map((v) => v.describe()).join(', ')}`);
  }
}

/*
 * l2's second derivatives. With S the sum-pooling map and q = gz / z (0 where z = 0), the op computes
 * gx = x * S^T q. So, for an incoming ggx:
 *   d/dx  = ggx * S^T q                      (Pool2dGrad in 'sum' mode applied to q)
 *   d/dz  = -S(x * ggx) * gz / z^2           (0 where z = 0)
 *   d/dgz = S(x * ggx) / z                   (0 where z = 0)
 */
function l2SecondDerivatives(p: PoolParams, x: Variable, z: Variable, gz: Variable, ggx: Variable): Variable[] {
  const zero = constant(0, z.dtype);
  const isZero = eq(z, zero);
  const safeZ = switchOf(isZero, constant(1, z.dtype), z);
  const q = switchOf(isZero, zero, div(gz, safeZ));
  const sumP: PoolParams = { ...p, mode: 'sum' };
  const pooled = pool2d(mul(x, ggx), sumP);
  const dz = switchOf(isZero, zero, neg(div(mul(pooled, gz), sqr(safeZ))));
  const dgz = switchOf(isZero, zero, div(pooled, safeZ));
  return [mul(ggx, pool2dGrad(sumP, x, null, q)), dz, dgz];
}

/* The general loops (see Pool2d for the layout); gx is zeroed by perform before they add into it. */

/** [0, value]: indexed by a comparison's result, it adds a value only where the comparison holds. */
const pick = new Float64Array(2);

export function maxGrad(X: TypedArray, Z: TypedArray, GZ: TypedArray, GX: TypedArray, g: PoolGeometry): void {
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
      for (let j = 0; j < ow; j++, o++) {
        const c0 = cs[j]!;
        const c1 = ce[j]!;
        const m = Z[o]!;
        pick[1] = GZ[o]!;
        // GX[k] += (X[k] === m ? gz : 0), as a table lookup: which element is the maximum is data-dependent and
        // unpredictable, so a branch here mispredicts often; adding an exact 0 keeps the result exact.
        for (let r = r0; r < r1; r += w) {
          for (let k = r + c0, e = r + c1; k < e; k++) GX[k] += pick[+(X[k] === m)]!;
        }
      }
    }
  }
}

function sumGrad(GZ: TypedArray, GX: TypedArray, g: PoolGeometry, average: boolean): void {
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
      for (let j = 0; j < ow; j++, o++) {
        const c0 = cs[j]!;
        const c1 = ce[j]!;
        const gv = average ? GZ[o]! / (rn * cc[j]!) : GZ[o]!;
        for (let r = r0; r < r1; r += w) {
          for (let k = r + c0, e = r + c1; k < e; k++) GX[k] += gv;
        }
      }
    }
  }
}

function l2Grad(X: TypedArray, Z: TypedArray, GZ: TypedArray, GX: TypedArray, g: PoolGeometry): void {
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
      for (let j = 0; j < ow; j++, o++) {
        const c0 = cs[j]!;
        const c1 = ce[j]!;
        const zv = Z[o]!;
        if (zv === 0) continue;
        const q = GZ[o]! / zv;
        for (let r = r0; r < r1; r += w) {
          for (let k = r + c0, e = r + c1; k < e; k++) GX[k] += X[k]! * q;
        }
      }
    }
  }
}

function maxGradGrad(X: TypedArray, Z: TypedArray, GGX: TypedArray, OUT: TypedArray, g: PoolGeometry): void {
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
      for (let j = 0; j < ow; j++, o++) {
        const c0 = cs[j]!;
        const c1 = ce[j]!;
        const m = Z[o]!;
        let s = 0;
        for (let r = r0; r < r1; r += w) {
          for (let k = r + c0, e = r + c1; k < e; k++) {
            pick[1] = GGX[k]!;
            s += pick[+(X[k] === m)]!;
          }
        }
        OUT[o] = s;
      }
    }
  }
}

/** Pool2dGrad applied to (x, z, gz), or (x, gz) when z is null (the sums and averages). */
export function pool2dGrad(p: PoolParams, x: Variable, z: Variable | null, gz: Variable): Variable {
  return apply1(new Pool2dGrad(p), z ? [x, z, gz] : [x, gz]);
}

/** MaxPool2dGradGrad applied to (x, z, ggx). */
export function maxPool2dGradGrad(p: PoolParams, x: Variable, z: Variable, ggx: Variable): Variable {
  return apply1(new MaxPool2dGradGrad(p), [x, z, ggx]);
}
