import type { NDArray } from '../ir/ndarray.js';
import { constant } from '../ir/constant.js';
import { apply1, opToString, type Op } from '../ir/op.js';
import { TensorType } from '../ir/type.js';
import type { Apply, Variable } from '../ir/variable.js';
import { ShapeError } from '../util/errors.js';
import { broadcastRuntime, formatShape } from '../util/shape.js';
import { describeEntries, forEachInRegion, resolveRanges, type IndexEntry } from './index-spec.js';
import { checkIndexInputs, renderEntries, subtensor } from './subtensor.js';
import { sumTo } from './sum-to.js';
import { padLeft } from './dimshuffle.js';
import { zerosLike } from './grad-helpers.js';

/**
 * `incSubtensor(x, y, idx)`: a copy of x with `x[idx] += y` (or `= y` when `set`); y broadcasts to the region
 * (Theano's IncSubtensor, and the gradient of Subtensor).
 */
export class IncSubtensor implements Op {
  readonly name: string;
  readonly params: { idx: string };
  constructor(
    readonly entries: readonly IndexEntry[],
    readonly set: boolean,
  ) {
    this.name = set ? 'setSubtensor' : 'incSubtensor';
    this.params = { idx: describeEntries(entries) };
  }

  inferTypes([x, y, ...scalars]: readonly Variable[]): TensorType[] {
    checkIndexInputs(this.name, x!, this.entries, scalars);
    const regionRank = x!.ndim - this.entries.filter((e) => e.kind === 'int').length;
    if (y!.ndim > regionRank) throw new ShapeError(`${this.name}: ${y!.describe()} has more axes than the region of ${x!.describe()} it goes into`);
    return [x!.type];
  }

  outputShapes([x, y, ...scalars]: readonly NDArray[], node: Apply): number[][] {
    const region = resolveRanges(this.entries, x!.shape, scalars, node)
      .filter((r) => r.keep)
      .map((r) => r.count);
    const yShape = [...new Array<number>(region.length - y!.ndim).fill(1), ...y!.shape];
    const b = broadcastRuntime([region, yShape]);
    if (!Array.isArray(b) || b.some((d, i) => d !== region[i])) {
      throw new ShapeError(
        `${this.name}: ${node.inputs[1]!.describeWithShape(y!.shape)} does not broadcast to the region ${formatShape(region)} of ${node.inputs[0]!.describeWithShape(x!.shape)}.${node.outputs[0]!.createdAt()}`,
      );
    }
    return [x!.shape.slice()];
  }

  perform([x, y, ...scalars]: readonly NDArray[], [out]: NDArray[], node: Apply): void {
    const o = out!.data;
    o.set(x!.data);
    const ranges = resolveRanges(this.entries, x!.shape, scalars, node);
    const region = ranges.filter((r) => r.keep).map((r) => r.count);
    // Index y with strides that are 0 on axes where it broadcasts.
    const yShape = [...new Array<number>(region.length - y!.ndim).fill(1), ...y!.shape];
    const yStrides: number[] = [];
    let s = 1;
    for (let a = yShape.length - 1; a >= 0; a--) {
      yStrides[a] = yShape[a] === 1 ? 0 : s;
      s *= yShape[a]!;
    }
    const yd = y!.data;
    const set = this.set;
    const isBool = x!.dtype === 'bool';
    const idx = new Array<number>(region.length).fill(0);
    let yOff = 0;
    forEachInRegion(x!, ranges, (off) => {
      const v = set ? yd[yOff]! : o[off]! + yd[yOff]!;
      // A bool tensor stays 0/1 (NumPy: True + True is True); other dtypes convert as their arrays store.
      o[off] = isBool ? (v !== 0 ? 1 : 0) : v;
      for (let a = region.length - 1; a >= 0; a--) {
        idx[a]!++;
        yOff += yStrides[a]!;
        if (idx[a]! < region[a]!) break;
        yOff -= yStrides[a]! * idx[a]!;
        idx[a] = 0;
      }
    });
  }

  grad([_x, y, ...scalars]: readonly Variable[], _o: readonly Variable[], [gz]: readonly Variable[]): (Variable | null)[] {
    const gx = this.set ? incSubtensor(gz!, zerosLike(y!), this.entries, scalars, true) : gz!;
    const region = subtensor(gz!, this.entries, scalars);
    const gy = sumTo(region, padLeft(y!, region.ndim));
    const gyShaped = gy.ndim === y!.ndim ? gy : reshapeDrop(gy, region.ndim - y!.ndim);
    return [gx, gyShaped, ...scalars.map(() => null)];
  }

  pp([x, y, ...s]: string[]): string {
    return `${this.name}(${x}[${renderEntries(this.entries, s)}], ${y})`;
  }

  toString(): string {
    return opToString(this.name, { idx: `(${this.params.idx})` });
  }
}

/** Drops `count` leading axes of size 1 (the padding added to y). */
function reshapeDrop(g: Variable, count: number): Variable {
  return subtensor(
    g,
    Array.from({ length: count }, () => ({ kind: 'int' as const })),
    Array.from({ length: count }, () => zeroIndex),
  );
}

const zeroIndex = constant(0, 'int32');

export function incSubtensor(x: Variable, y: Variable, entries: readonly IndexEntry[], scalars: readonly Variable[], set = false): Variable {
  return apply1(new IncSubtensor(entries, set), [x, y, ...scalars]);
}
