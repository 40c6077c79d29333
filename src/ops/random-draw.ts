import { isInteger, type DType } from '../ir/dtype.js';
import type { NDArray } from '../ir/ndarray.js';
import { applyOp, opToString, type Op } from '../ir/op.js';
import { TensorType } from '../ir/type.js';
import { Constant, type Apply, type Variable } from '../ir/variable.js';
import { ShapeError, TypeMismatchError } from '../util/errors.js';
import { philox4x32, uint32ToUnit } from '../util/philox.js';

export type Distribution = 'uniform' | 'normal' | 'binomial';

/** Scalar parameters each distribution reads after the size entries. */
const PARAMS: Record<Distribution, string[]> = { uniform: ['low', 'high'], normal: ['avg', 'std'], binomial: ['n', 'p'] };

/**
 * A draw from a counter-based stream. Inputs: the stream state (int32 vector [key0, key1, counterLo, counterHi]),
 * the size entries (int scalars), then the distribution's parameters. Outputs: the advanced state and the sample.
 * Word j of a draw is lane j % 4 of Philox block counter + ⌊j / 4⌋: element i of a uniform draw uses word i, of a
 * normal draw words 2i and 2i+1, of a binomial(n) draw words i·n … i·n+n−1. Each word is a pure function of its
 * index, so a GPU kernel can produce the very same numbers. The counter then advances past the blocks used.
 */
export class RandomDraw implements Op {
  readonly name: string;
  readonly params: { dtype: DType };
  private readonly block = new Uint32Array(4);

  constructor(
    readonly dist: Distribution,
    readonly ndim: number,
    readonly dtype: DType,
  ) {
    this.name = `random_${dist}`;
    this.params = { dtype };
  }

  inferTypes([state, ...rest]: readonly Variable[]): TensorType[] {
    if (state!.ndim !== 1 || state!.dtype !== 'int32') throw new TypeMismatchError(`${this.name}: the state must be an int32 vector; got ${state!.describe()}`);
    const sizes = rest.slice(0, this.ndim);
    for (const s of sizes) {
      if (s.ndim !== 0 || !isInteger(s.dtype)) throw new TypeMismatchError(`${this.name}: size entries must be int scalars; got ${s.describe()}`);
    }
    for (const p of rest.slice(this.ndim)) {
      if (p.ndim !== 0) throw new TypeMismatchError(`${this.name}: ${PARAMS[this.dist].join(' and ')} must be scalars; got ${p.describe()}`);
    }
    const shape = sizes.map((s) => (s instanceof Constant ? s.value.item() : null));
    return [state!.type, new TensorType(this.dtype, shape)];
  }

  outputShapes([, ...rest]: readonly NDArray[], node: Apply): number[][] {
    const shape = rest.slice(0, this.ndim).map((s) => s.item());
    if (shape.some((d) => !Number.isInteger(d) || d < 0))
      throw new ShapeError(`${this.name}: size (${shape.join(', ')}) is not a valid shape.${node.outputs[1]!.createdAt()}`);
    return [[4], shape];
  }

  perform([state, ...rest]: readonly NDArray[], [newState, out]: NDArray[]): void {
    const s = state!.data;
    const k0 = s[0]! >>> 0;
    const k1 = s[1]! >>> 0;
    let lo = s[2]! >>> 0;
    let hi = s[3]! >>> 0;
    const [a, b] = rest.slice(this.ndim).map((p) => p.item()) as [number, number];
    const o = out!.data;
    const perElement = this.dist === 'binomial' ? Math.max(0, Math.round(a)) : this.dist === 'normal' ? 2 : 1;
    // Uniform words are consumed 4 per Philox block, in order: word j of the draw is lane j % 4 of block j / 4.
    const block = this.block;
    let lane = 4;
    const next = (): number => {
      if (lane === 4) {
        philox4x32(lo, hi, 0, 0, k0, k1, block);
        lo = (lo + 1) >>> 0;
        if (lo === 0) hi = (hi + 1) >>> 0;
        lane = 0;
      }
      return block[lane++]!;
    };
    for (let i = 0; i < o.length; i++) {
      if (this.dist === 'uniform') o[i] = a + (b - a) * uint32ToUnit(next());
      else if (this.dist === 'normal') {
        // Box–Muller on (0, 1] × [0, 1): log never sees 0.
        const u1 = 1 - uint32ToUnit(next());
        const u2 = uint32ToUnit(next());
        o[i] = a + b * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
      } else {
        let count = 0;
        for (let t = 0; t < perElement; t++) if (uint32ToUnit(next()) < b) count++;
        o[i] = count;
      }
    }
    const ns = newState!.data;
    ns[0] = s[0]!;
    ns[1] = s[1]!;
    ns[2] = lo | 0;
    ns[3] = hi | 0;
  }

  grad(inputs: readonly Variable[]): (Variable | null)[] {
    return inputs.map(() => null);
  }

  toString(): string {
    return opToString(this.name, this.params);
  }
}

/** Applies a draw; returns [new state, sample]. */
export function randomDraw(
  dist: Distribution,
  state: Variable,
  size: readonly Variable[],
  params: readonly [Variable, Variable],
  dtype: DType,
): [Variable, Variable] {
  const [newState, sample] = applyOp(new RandomDraw(dist, size.length, dtype), [state, ...size, ...params]);
  return [newState!, sample!];
}
