/** Test values for gradient checks: seeded, away from the kinks at 0 and without ties. */
import type { DType } from '../ir/dtype.js';
import { NDArray } from '../ir/ndarray.js';
import { RandomState } from '../util/rng.js';

export interface ValueOptions {
  dtype?: DType;
  /** Smallest magnitude (default 0.25): keeps every value away from the kinks of relu, abs, sgn at 0. */
  min?: number;
  /** Largest magnitude (default 1.5). */
  max?: number;
  /** Both signs (default true); false gives positive values only. */
  signed?: boolean;
}

/**
 * Values of the given shape whose magnitudes lie in [min, max] and are pairwise distinct by at least
 * (max − min) / (2 n): magnitudes are an evenly spaced grid with jitter, shuffled, with random signs. So no two
 * elements tie (max, max-pooling and maximum see a unique winner) and none sits near 0.
 */
export function valuesAwayFromKinks(shape: readonly number[], seed: number, opts: ValueOptions = {}): NDArray {
  const dtype = opts.dtype ?? 'float64';
  const min = opts.min ?? 0.25;
  const max = opts.max ?? 1.5;
  const signed = opts.signed ?? true;
  const n = shape.reduce((a, b) => a * b, 1);
  const rng = new RandomState(seed);
  const order = rng.permutation(n);
  const out = NDArray.zeros(dtype, shape.slice());
  for (let k = 0; k < n; k++) {
    const slot = order[k]!;
    const magnitude = min + ((max - min) * (slot + 0.25 + 0.5 * rng.random())) / Math.max(n, 1);
    out.data[k] = signed && rng.random() < 0.5 ? -magnitude : magnitude;
  }
  return out;
}
