import { NDArray } from '../../ir/ndarray.js';
import type { Variable } from '../../ir/variable.js';
import { stridesOf } from './kernel-spec.js';

/** Thrown by a shape view's values: the op needs them to know its output shapes (reshape, arange). */
export class ShapeNeedsValues extends Error {}

/**
 * An NDArray that has a shape but whose values are on the device: ops' `outputShapes` mostly read shapes only; the
 * few that read values throw ShapeNeedsValues, and the executor reads the inputs back and asks again.
 */
export function hostShapeView(v: Variable, shape: readonly number[]): NDArray {
  const view = Object.create(NDArray.prototype) as NDArray;
  Object.defineProperties(view, {
    dtype: { value: v.dtype },
    shape: { value: shape.slice() },
    strides: { value: stridesOf(shape) },
    size: { value: shape.reduce((a, b) => a * b, 1) },
    data: {
      get() {
        throw new ShapeNeedsValues(`the values of ${v.describe()} are on the device`);
      },
    },
  });
  return view;
}
