import type { DType } from '../ir/dtype.js';
import { NDArray } from '../ir/ndarray.js';
import { TensorType } from '../ir/type.js';
import { SharedVariable, Variable } from '../ir/variable.js';
import { randomDraw, type Distribution } from '../ops/random-draw.js';
import { config } from '../util/config.js';
import { ShapeError, TypeMismatchError } from '../util/errors.js';
import { atCallSite, checkDType, describeValue, MAX_RANK } from '../ir/validate.js';
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
  constructor(private seedValue = 0) {
    checkSeed(seedValue, 'T.RandomStreams');
  }

  uniform(args: UniformArgs): Variable {
    const { size, low = 0, high = 1, dtype = config.floatX } = checkArgs(args, 'uniform');
    return this.draw('uniform', size, low, high, dtype);
  }

  normal(args: NormalArgs): Variable {
    const { size, avg = 0, std = 1, dtype = config.floatX } = checkArgs(args, 'normal');
    return this.draw('normal', size, avg, std, dtype);
  }

  /** Counts of successes in `n` trials of probability `p` (n = 1: a 0/1 mask, as for dropout). */
  binomial(args: BinomialArgs): Variable {
    const { size, n = 1, p, dtype = 'int32' } = checkArgs(args, 'binomial');
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 2 ** 31 - 1)
      throw new TypeMismatchError(`RandomStreams.binomial: n must be a non-negative integer; got ${describeValue(n)}.${atCallSite()}`);
    if (p === undefined) throw new TypeMismatchError('RandomStreams.binomial: p (the probability of success) is required');
    return this.draw('binomial', size, n, p, dtype);
  }

  /** Restarts every stream made so far (and later ones) from a new seed, as Theano's `seed()`. */
  seed(seed: number): void {
    checkSeed(seed, 'RandomStreams.seed');
    this.seedValue = seed;
    this.states.forEach((s, k) => s.setValue(initialState(seed, k)));
  }

  private draw(dist: Distribution, size: Size, a: TensorLike, b: TensorLike, dtype: DType): Variable {
    checkDType(dtype, `RandomStreams.${dist}`);
    if (!Array.isArray(size) || size.length > MAX_RANK)
      throw new TypeMismatchError(
        `RandomStreams.${dist}: size must be an array of at most ${MAX_RANK} sizes (numbers or int scalars); got ${describeValue(size)}.${atCallSite()}`,
      );
    const sizes = size.map((d, i) => {
      if (typeof d === 'number' && !(Number.isInteger(d) && d >= 0))
        throw new ShapeError(`RandomStreams.${dist}: size entry ${i} must be a non-negative integer; got ${d}.${atCallSite()}`);
      return asIntScalar(d, `RandomStreams.${dist}: size entry ${i}`);
    });
    const [pa, pb] = asTensors([a, b], `RandomStreams.${dist}`);
    const state = new SharedVariable(new TensorType('int32', [4]), initialState(this.seedValue, this.states.length), `rng_state_${this.states.length}`);
    this.states.push(state);
    const [next, sample] = randomDraw(dist, state, sizes, [pa!, pb!], dtype);
    state.defaultUpdate = next;
    return sample;
  }
}

function checkSeed(seed: unknown, where: string): void {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed))
    throw new TypeMismatchError(`${where}: the seed must be an integer; got ${describeValue(seed)}.${atCallSite()}`);
}

function checkArgs<A extends { size: Size }>(args: A, dist: Distribution): A {
  if (args === null || typeof args !== 'object' || Array.isArray(args)) {
    throw new TypeMismatchError(`RandomStreams.${dist}: expects an options object such as { size: [2, 3] }; got ${describeValue(args)}.${atCallSite()}`);
  }
  return args;
}

/** Stream k of a seed: its Philox key is derived from (seed, k) by one Philox block, the counter starts at 0. */
function initialState(seed: number, k: number): NDArray {
  const block = new Uint32Array(4);
  philox4x32(k >>> 0, 0, 0, 0, seed >>> 0, Math.floor(seed / 4294967296) >>> 0, block);
  return new NDArray('int32', [4], new Int32Array([block[0]! | 0, block[1]! | 0, 0, 0]));
}
