/**
 * Central finite differences in float64, on plain functions of `Arr`s. Pure: no tsano imports, so a
 * gradient that tsano computes can be compared against a derivative of an independent reference.
 */
import { clone, type Arr } from './reference.js';

/**
 * d f / d inputs[k][i] ≈ (f(x + eps e_i) - f(x - eps e_i)) / (2 eps), for every element of every input
 * listed in `which` (all by default). Returns one Arr per input, shaped like it.
 */
export function numericGrad(f: (inputs: Arr[]) => number, inputs: readonly Arr[], eps = 1e-6, which?: readonly number[]): Arr[] {
  const xs = inputs.map(clone);
  const ks = which ?? xs.map((_, k) => k);
  return xs.map((x, k) => {
    const g: Arr = { shape: x.shape.slice(), data: new Float64Array(x.data.length) };
    if (!ks.includes(k)) return g;
    for (let i = 0; i < x.data.length; i++) {
      const orig = x.data[i]!;
      x.data[i] = orig + eps;
      const fp = f(xs);
      x.data[i] = orig - eps;
      const fm = f(xs);
      x.data[i] = orig;
      g.data[i] = (fp - fm) / (2 * eps);
    }
    return g;
  });
}

/**
 * The gradient of the projection sum(g(inputs) * r) by central differences, summing the projected
 * differences g(x + eps e_i) - g(x - eps e_i) element by element rather than differencing two large sums,
 * so that the rounding error scales with the outputs that actually change.
 */
export function numericGradProjected(g: (inputs: Arr[]) => Arr, r: Arr, inputs: readonly Arr[], eps = 1e-6): Arr[] {
  const xs = inputs.map(clone);
  return xs.map((x) => {
    const grad: Arr = { shape: x.shape.slice(), data: new Float64Array(x.data.length) };
    for (let i = 0; i < x.data.length; i++) {
      const orig = x.data[i]!;
      x.data[i] = orig + eps;
      const plus = g(xs).data;
      x.data[i] = orig - eps;
      const minus = g(xs).data;
      x.data[i] = orig;
      if (plus.length !== r.data.length || minus.length !== r.data.length) throw new Error('numericGradProjected: output size differs from r');
      let s = 0;
      for (let k = 0; k < plus.length; k++) s += r.data[k]! * (plus[k]! - minus[k]!);
      grad.data[i] = s / (2 * eps);
    }
    return grad;
  });
}
