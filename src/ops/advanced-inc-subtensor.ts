import type { NDArray } from '../ir/ndarray.js';
import { apply1, opToString, type Op } from '../ir/op.js';
import type { TensorType } from '../ir/type.js';
import type { Apply, Variable } from '../ir/variable.js';
import { ShapeError } from '../util/errors.js';
import { advancedSubtensor, checkAdvancedIndices, commonLength, flatOffset } from './advanced-subtensor.js';
import { sumTo } from './sum-to.js';
import { padLeft } from './dimshuffle.js';
import { zerosLike } from './grad-helpers.js';
import { reshape } from './reshape.js';
import { shapeOf } from './shape.js';

/**
 * A copy of x with `x[i0, i1, …] += y` (or `= y` when `set`); repeated indices accumulate when incrementing
 * (NumPy's `np.add.at`), as the gradient of advanced indexing needs.
 */
export class AdvancedIncSubtensor implements Op {
  readonly name: string;
  constructor(readonly set: boolean) {
    this.name = set ? 'advancedSetSubtensor' : 'advancedIncSubtensor';
  }

  inferTypes([x, y, ...idx]: readonly Variable[]): TensorType[] {
    checkAdvancedIndices(this.name, x!, idx);
    if (y!.ndim > 1 + x!.ndim - idx.length) throw new ShapeError(`${this.name}: ${y!.describe()} has more axes than the selection of ${x!.describe()}`);
    return [x!.type];
  }

  outputShapes([x, y, ...idx]: readonly NDArray[], node: Apply): number[][] {
    const sel = [commonLength(idx, node), ...x!.shape.slice(idx.length)];
    const yShape = [...new Array<number>(sel.length - y!.ndim).fill(1), ...y!.shape];
    if (yShape.some((d, a) => d !== 1 && d !== sel[a])) {
      throw new ShapeError(
        `${this.name}: ${node.inputs[1]!.describeWithShape(y!.shape)} does not broadcast to the selection of ${node.inputs[0]!.describeWithShape(x!.shape)}.${node.outputs[0]!.createdAt()}`,
      );
    }
    return [x!.shape.slice()];
  }

  perform([x, y, ...idx]: readonly NDArray[], [out]: NDArray[], node: Apply): void {
    const o = out!.data;
    o.set(x!.data);
    const n = commonLength(idx, node);
    const innerShape = x!.shape.slice(idx.length);
    const inner = innerShape.reduce((p, d) => p * d, 1);
    const yShape = [...new Array<number>(innerShape.length + 1 - y!.ndim).fill(1), ...y!.shape];
    const yd = y!.data;
    const isBool = x!.dtype === 'bool';
    // y's element for (row r, inner j), honouring broadcast axes of size 1.
    const yStrides: number[] = [];
    let s = 1;
    for (let a = yShape.length - 1; a >= 0; a--) {
      yStrides[a] = yShape[a] === 1 ? 0 : s;
      s *= yShape[a]!;
    }
    const innerStrides: number[] = [];
    s = 1;
    for (let a = innerShape.length - 1; a >= 0; a--) {
      innerStrides[a] = s;
      s *= innerShape[a]!;
    }
    for (let r = 0; r < n; r++) {
      const base = flatOffset(x!, idx, r, node);
      for (let j = 0; j < inner; j++) {
        let yo = r * yStrides[0]!;
        for (let a = 0; a < innerShape.length; a++) yo += (Math.floor(j / innerStrides[a]!) % innerShape[a]!) * yStrides[a + 1]!;
        const v = this.set ? yd[yo]! : o[base + j]! + yd[yo]!;
        o[base + j] = isBool ? (v !== 0 ? 1 : 0) : v;
      }
    }
  }

  grad([_x, y, ...idx]: readonly Variable[], _o: readonly Variable[], [gz]: readonly Variable[]): (Variable | null)[] {
    const gx = this.set ? advancedIncSubtensor(gz!, zerosLike(y!), idx, true) : gz!;
    const picked = advancedSubtensor(gz!, idx);
    let gy = sumTo(picked, padLeft(y!, picked.ndim));
    if (gy.ndim !== y!.ndim)
      gy = reshape(
        gy,
        Array.from({ length: y!.ndim }, (_, a) => shapeOf(y!, a)),
      );
    return [gx, gy, ...idx.map(() => null)];
  }

  toString(): string {
    return opToString(this.name);
  }
}

export function advancedIncSubtensor(x: Variable, y: Variable, idx: readonly Variable[], set = false): Variable {
  return apply1(new AdvancedIncSubtensor(set), [x, y, ...idx]);
}
