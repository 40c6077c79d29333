import type { NDArray } from '../ir/ndarray.js';
import { scratch64 } from './scratch.js';
import { apply1, type Op } from '../ir/op.js';
import { TensorType } from '../ir/type.js';
import type { Apply, Variable } from '../ir/variable.js';
import { ShapeError, TypeMismatchError } from '../util/errors.js';
import { dtypeRules } from './elemwise/elemwise.js';
import { dimshuffle, transpose } from './dimshuffle.js';
import { mul } from './elemwise/mul.js';

/**
 * Matrix/vector products as NumPy's dot for ranks 1 and 2: vector·vector → scalar, matrix·vector → vector,
 * vector·matrix → vector, matrix·matrix → matrix.
 */
export class Dot implements Op {
  readonly name = 'dot';

  inferTypes([a, b]: readonly Variable[]): TensorType[] {
    if (a!.ndim < 1 || a!.ndim > 2 || b!.ndim < 1 || b!.ndim > 2) {
      throw new TypeMismatchError(`dot: takes vectors and matrices; got ${a!.describe()} and ${b!.describe()}`);
    }
    const k1 = a!.type.shape[a!.ndim - 1];
    const k2 = b!.type.shape[0];
    if (k1 !== null && k2 !== null && k1 !== k2) {
      throw new ShapeError(`dot: inner dimensions differ: ${a!.describe()} and ${b!.describe()}`);
    }
    const shape = [...a!.type.shape.slice(0, -1), ...b!.type.shape.slice(1)];
    return [new TensorType(dtypeRules.arithmetic([a!.dtype, b!.dtype]), shape)];
  }

  outputShapes([a, b]: readonly NDArray[], node: Apply): number[][] {
    if (a!.shape[a!.ndim - 1] !== b!.shape[0]) {
      throw new ShapeError(
        `dot: inner dimensions differ: ${node.inputs[0]!.describeWithShape(a!.shape)} and ${node.inputs[1]!.describeWithShape(b!.shape)}.${node.outputs[0]!.createdAt()}`,
      );
    }
    return [[...a!.shape.slice(0, -1), ...b!.shape.slice(1)]];
  }

  perform([a, b]: readonly NDArray[], [out]: NDArray[]): void {
    // Treat vectors as 1×k or k×1 matrices; the i-k-j order streams rows of b and out.
    const m = a!.ndim === 2 ? a!.shape[0]! : 1;
    const k = a!.shape[a!.ndim - 1]!;
    const n = b!.ndim === 2 ? b!.shape[1]! : 1;
    const A = a!.data;
    const B = b!.data;
    const O = out!.data;
    const acc = scratch64(n);
    // Skipping zeros of a (most MNIST pixels) is exact only when b holds no Inf/NaN (0 * Inf is NaN).
    const skipZeros = allFinite(B);
    for (let i = 0; i < m; i++) {
      acc.fill(0);
      const aRow = i * k;
      for (let p = 0; p < k; p++) {
        const av = A[aRow + p]!;
        if (av === 0 && skipZeros) continue;
        const bRow = p * n;
        for (let j = 0; j < n; j++) acc[j] += av * B[bRow + j]!;
      }
      O.set(acc, i * n);
    }
  }

  grad([a, b]: readonly Variable[], _o: readonly Variable[], [gz]: readonly Variable[]): (Variable | null)[] {
    const g = gz!;
    const ra = a!.ndim;
    const rb = b!.ndim;
    if (ra === 2 && rb === 2) return [dot(g, transpose(b!)), dot(transpose(a!), g)];
    if (ra === 2 && rb === 1) return [outer(g, b!), dot(transpose(a!), g)];
    if (ra === 1 && rb === 2) return [dot(b!, g), outer(a!, g)];
    return [mul(g, b!), mul(g, a!)];
  }

  pp([a, b]: string[]): string {
    return `(${a} \\dot ${b})`;
  }

  toString(): string {
    return 'dot';
  }
}

function allFinite(data: ArrayLike<number>): boolean {
  for (let i = 0; i < data.length; i++) if (data[i]! - data[i]! !== 0) return false;
  return true;
}

const dotOp = new Dot();

export function dot(a: Variable, b: Variable): Variable {
  return apply1(dotOp, [a, b]);
}

/** Outer product of two vectors. */
export function outer(a: Variable, b: Variable): Variable {
  if (a.ndim !== 1 || b.ndim !== 1) throw new TypeMismatchError(`outer: takes two vectors; got ${a.describe()} and ${b.describe()}`);
  return mul(dimshuffle(a, [0, 'x']), dimshuffle(b, ['x', 0]));
}
