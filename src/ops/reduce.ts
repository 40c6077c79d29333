import type { DType } from '../ir/dtype.js';
import type { NDArray } from '../ir/ndarray.js';
import { opToString, type Op } from '../ir/op.js';
import { TensorType } from '../ir/type.js';
import type { Apply, Variable } from '../ir/variable.js';
import { TypeMismatchError } from '../util/errors.js';
import { atCallSite, describeValue } from '../ir/validate.js';
import { dimshuffle } from './dimshuffle.js';

/** `axis` as users give it: one axis, several, or null/undefined for all. */
export type AxisArg = number | readonly number[] | null | undefined;

/** Sorted, non-negative, distinct axes; errors name the op and the variable. */
export function normalizeAxes(op: string, x: Variable, axis: AxisArg): number[] {
  if (axis === null || axis === undefined) return Array.from({ length: x.ndim }, (_, i) => i);
  if (typeof axis !== 'number' && !Array.isArray(axis)) {
    throw new TypeMismatchError(
      `${op}: axis must be an integer, an array of integers, or null for all axes; got ${describeValue(axis)} for ${x.describe()}.${atCallSite()}`,
    );
  }
  const list: unknown[] = typeof axis === 'number' ? [axis] : [...axis];
  const out = list.map((a) => (typeof a === 'number' && a < 0 ? a + x.ndim : a));
  out.forEach((a, i) => {
    if (typeof a !== 'number' || !Number.isInteger(a) || a < 0 || a >= x.ndim) {
      const range = x.ndim ? `; valid axes are ${-x.ndim}..${x.ndim - 1}` : ' (it has no axes)';
      throw new TypeMismatchError(
        `${op}: axis ${typeof list[i] === 'number' ? list[i] : describeValue(list[i])} is out of range for ${x.describe()}${range}.${atCallSite()}`,
      );
    }
  });
  return [...new Set(out as number[])].sort((a, b) => a - b);
}

/** A reduction over `axes`; subclasses give the combining loop, dtype and gradient. */
export abstract class Reduce implements Op {
  abstract readonly name: string;
  readonly params: { axis: string };
  constructor(readonly axes: readonly number[]) {
    this.params = { axis: axes.join(',') };
  }

  protected outDType(d: DType): DType {
    return d;
  }

  inferTypes([x]: readonly Variable[]): TensorType[] {
    return [
      new TensorType(
        this.outDType(x!.dtype),
        x!.type.shape.filter((_, a) => !this.axes.includes(a)),
      ),
    ];
  }

  outputShapes([x]: readonly NDArray[], _node: Apply): number[][] {
    return [x!.shape.filter((_, a) => !this.axes.includes(a))];
  }

  abstract perform(inputs: readonly NDArray[], outputs: NDArray[], node: Apply): void;
  abstract grad(inputs: readonly Variable[], outputs: readonly Variable[], outputGrads: readonly Variable[]): (Variable | null)[];

  toString(): string {
    return opToString(this.name, { axis: `(${this.axes.join(',')})` });
  }

  /** For each input element in row-major order, calls visit(value, outOffset, indexAlongFirstReducedAxes). */
  protected forEach(x: NDArray, visit: (value: number, outOffset: number, reducedIndex: number) => void): void {
    const rank = x.ndim;
    const n = x.size;
    if (n === 0) return;
    // Output strides per input axis (0 on reduced axes) and the row-major index within the reduced block.
    const keptShape = x.shape.filter((_, a) => !this.axes.includes(a));
    const keptStrides: number[] = [];
    let s = 1;
    for (let i = keptShape.length - 1; i >= 0; i--) {
      keptStrides[i] = s;
      s *= keptShape[i]!;
    }
    const outStride: number[] = [];
    const redStride: number[] = [];
    let k = 0;
    let r = 1;
    for (let a = rank - 1; a >= 0; a--) {
      if (this.axes.includes(a)) {
        outStride[a] = 0;
        redStride[a] = r;
        r *= x.shape[a]!;
      } else {
        outStride[a] = keptStrides[keptShape.length - 1 - k++]!;
        redStride[a] = 0;
      }
    }
    const idx = new Array<number>(rank).fill(0);
    const data = x.data;
    let off = 0;
    let red = 0;
    for (let i = 0; i < n; i++) {
      visit(data[i]!, off, red);
      for (let a = rank - 1; a >= 0; a--) {
        idx[a]!++;
        off += outStride[a]!;
        red += redStride[a]!;
        if (idx[a]! < x.shape[a]!) break;
        off -= outStride[a]! * idx[a]!;
        red -= redStride[a]! * idx[a]!;
        idx[a] = 0;
      }
    }
  }

  /** Puts broadcastable axes back where this reduction removed them, so `g` broadcasts against the input. */
  protected expandBack(g: Variable, inputRank: number): Variable {
    const pattern: (number | 'x')[] = [];
    let k = 0;
    for (let a = 0; a < inputRank; a++) pattern.push(this.axes.includes(a) ? 'x' : k++);
    return dimshuffle(g, pattern);
  }
}
