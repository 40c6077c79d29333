import type { Variable } from '../ir/variable.js';
import { pool2d as pool2dOp } from '../ops/pool2d.js';
import { resolvePoolOptions, type Pool2dOptions, type PoolMode } from '../ops/pool-geometry.js';
import { asTensor, type TensorLike } from './as-tensor.js';

export type { Pool2dOptions, PoolMode };

/**
 * `T.signal.maxPool2d(input, { ws = [2, 2], ignoreBorder = true, stride = ws, pad = [0, 0], mode = 'max' })`:
 * Theano 1.0's `pool_2d` on the last two axes of a tensor of rank ≥ 2 (leading axes are batch-like).
 *
 * - `ws`: window (rows, cols); `stride`: step between windows (defaults to ws: no overlap); a single number
 *   means the same on both axes.
 * - `ignoreBorder`: true keeps only whole windows (5×5 with ws 2 → 2×2); false adds partial windows at the
 *   bottom and right edges (5×5 → 3×3). Output sizes follow Theano's Pool.out_shape exactly, except that a
 *   window larger than the (padded) image with ignoreBorder true is an error instead of an empty result.
 * - `pad`: rows/columns added on each side; needs ignoreBorder true and must be smaller than ws. Padding never
 *   takes part in max (it acts as -Infinity), sum, l2 or averageExcPad; averageIncPad counts it in the divisor.
 * - `mode`: 'max' | 'sum' | 'averageIncPad' | 'averageExcPad' | 'l2' (square root of the sum of squares).
 *
 * Gradient of 'max': every input equal to its window's maximum receives the gradient (ties all get it), summed
 * over overlapping windows, as in Theano.
 */
export function maxPool2d(input: TensorLike, opts: Pool2dOptions = {}): Variable {
  return pool2dOp(asTensor(input, 'T.signal.maxPool2d'), resolvePoolOptions(opts));
}

/** Alias of maxPool2d (Theano's name, `pool_2d`): the mode option chooses the reduction. */
export const pool2d = maxPool2d;
