import type { DType } from '../ir/dtype.js';
import { NDArray } from '../ir/ndarray.js';
import { TensorType } from '../ir/type.js';
import { SharedVariable, Variable } from '../ir/variable.js';
import { randomDraw, type Distribution } from '../ops/random-draw.js';
import { config } from '../util/config.js';
import { TypeMismatchError } from '../util/errors.js';
import { philox4x32 } from '../util/philox.js';
import { asIntScalar, asTensors, type TensorLike } from './as-tensor.js';

export type Size = readonly (number | Variable)[];

export interface UniformArgs {
  size: Size;
  low?: TensorLike;
  high?: TensorLike;
  dtype?: DType;
}
export interface NormalArgs {
  size: Size;
  avg?: TensorLike;
  std?: TensorLike;
  dtype?: DType;
}
export interface BinomialArgs {
  size: Size;
  n?: number;
  p: TensorLike;
  dtype?: DType;
}

/**
 * Theano's `RandomStreams(seed)`: each draw gets its own stream state, a shared variable whose default update
 * advances it, so every call of a compiled function that uses the draw sees new numbers. The same seed gives the
 * same numbers, on every backend (Philox4x32-10, counter-based).
 */
export class RandomStreams {
  private readonly states: SharedVariable[] = [];
  constructor(private seedValue = 0) {}

  uniform({ size, low = 0, high = 1, dtype = config.floatX }: UniformArgs): Variable {
    return this.draw('uniform', size, low, high, dtype);
  }

  normal({ size, avg = 0, std = 1, dtype = config.floatX }: NormalArgs): Variable {
    return this.draw('normal', size, avg, std, dtype);
  }

  /** Counts of successes in `n` trials of probability `p` (n = 1: a 0/1 mask, as for dropout). */
  binomial({ size, n = 1, p, dtype = 'int32' }: BinomialArgs): Variable {
    if (!Number.isInteger(n) || n < 0) throw new TypeMismatchError(`RandomStreams.binomial: n must be a non-negative integer; got ${n}`);
    return this.draw('binomial', size, n, p, dtype);
  }

  /** Restarts every stream made so far (and later ones) from a new seed, as Theano's `seed()`. */
  seed(seed: number): void {
    this.seedValue = seed;
    this.states.forEach((s, k) => s.setValue(initialState(seed, k)));
  }

  private draw(dist: Distribution, size: Size, a: TensorLike, b: TensorLike, dtype: DType): Variable {
    const sizes = size.map((d, i) => asIntScalar(d, `RandomStreams.${dist}: size entry ${i}`));
    const [pa, pb] = asTensors([a, b]);
    const state = new SharedVariable(new TensorType('int32', [4]), initialState(this.seedValue, this.states.length), `rng_state_${this.states.length}`);
    this.states.push(state);
    const [next, sample] = randomDraw(dist, state, sizes, [pa!, pb!], dtype);
    state.defaultUpdate = next;
    return sample;
  }
}

/** Stream k of a seed: its Philox key is derived from (seed, k) by one Philox block, the counter starts at 0. */
function initialState(seed: number, k: number): NDArray {
  const block = new Uint32Array(4);
  philox4x32(k >>> 0, 0, 0, 0, seed >>> 0, Math.floor(seed / 4294967296) >>> 0, block);
  return new NDArray('int32', [4], new Int32Array([block[0]! | 0, block[1]! | 0, 0, 0]));
}
