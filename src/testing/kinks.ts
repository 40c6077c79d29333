/**
 * Finds where a finite-difference check cannot be trusted: an op evaluated at (or within `margin` of) a kink
 * or a tie. relu, abs and sgn at 0, maximum/minimum/compare with equal operands, clip at a bound, and max/min
 * reductions or max-pooling whose winner is tied: there the analytic gradient is one subgradient (tsano, like
 * Theano, sends a max's gradient to every tied element) and finite differences measure something else. Ties
 * also arise structurally (a max over a broadcast copy), so values alone cannot rule them out; this checks the
 * values that actually reach each such op.
 */
import { applyOp } from '../ir/op.js';
import { toposort } from '../ir/fgraph.js';
import type { NDArray } from '../ir/ndarray.js';
import type { Apply, Variable } from '../ir/variable.js';
import { T, compileFunction } from '../index.js';

interface Probe {
  node: Apply;
  outputs: Variable[];
  check(values: NDArray[]): string | null;
}

const describe = (node: Apply): string => `${node.op.toString()}${node.site ? ` (created at ${node.site})` : ''}`;

function minOf(a: NDArray): number {
  let m = Infinity;
  for (let i = 0; i < a.data.length; i++) m = Math.min(m, a.data[i]!);
  return m;
}

function distanceProbe(node: Apply, distance: Variable, what: string, margin: number): Probe {
  return {
    node,
    outputs: [distance],
    check: ([d]) => {
      const m = minOf(d!);
      return m < margin ? `${describe(node)}: ${what} is ${m} (closer than ${margin})` : null;
    },
  };
}

/** max/min over axes: every group needs a unique winner, ahead of the runner-up by margin. */
function extremumProbe(node: Apply, margin: number): Probe {
  const axes: readonly number[] = (node.op as unknown as { axes: readonly number[] }).axes;
  const isMax = node.op.name === 'max' || node.op.name === 'argmax';
  return {
    node,
    outputs: [node.inputs[0]!],
    check: ([x]) => {
      const shape = x!.shape;
      const keep = shape.map((_, a) => !axes.includes(a));
      const groups = new Map<number, [number, number]>();
      const idx = new Array<number>(shape.length).fill(0);
      for (let i = 0; i < x!.size; i++) {
        let key = 0;
        for (let a = 0; a < shape.length; a++) if (keep[a]) key = key * shape[a]! + idx[a]!;
        const v = isMax ? x!.data[i]! : -x!.data[i]!;
        const g = groups.get(key);
        if (!g) groups.set(key, [v, -Infinity]);
        else if (v > g[0]) groups.set(key, [v, g[0]]);
        else if (v > g[1]) g[1] = v;
        for (let a = shape.length - 1; a >= 0; a--) {
          if (++idx[a]! < shape[a]!) break;
          idx[a] = 0;
        }
      }
      for (const [best, second] of groups.values()) {
        if (best - second < margin) return `${describe(node)}: the two largest candidates differ by ${best - second} (closer than ${margin}): a tie`;
      }
      return null;
    },
  };
}

/** Max pooling: each window's gradient must go to exactly one element, ahead of the others by margin. */
function poolProbe(node: Apply, margin: number): Probe {
  const x = node.inputs[0]!;
  const pooled = applyOp(node.op, [x])[0]!;
  const routed = T.grad(T.sum(pooled), x);
  // Lower every routed winner by margin: if another element of a window was within margin, the window's max
  // drops by less than margin.
  const lowered = applyOp(node.op, [T.sub(x, T.mul(T.cast(T.gt(routed, 0), x.dtype), margin))])[0]!;
  return {
    node,
    outputs: [T.sum(routed), T.sub(lowered, pooled)],
    check: ([count, drop]) => {
      const windows = node.outputs[0]!;
      const nWindows = drop!.size;
      if (Math.abs(count!.item() - nWindows) > 1e-6)
        return `${describe(node)}: some window of ${windows.name ?? 'its input'} has tied maxima (${count!.item()} winners for ${nWindows} windows)`;
      let worst = -Infinity;
      for (let i = 0; i < drop!.data.length; i++) worst = Math.max(worst, drop!.data[i]!);
      return worst > -margin / 2 ? `${describe(node)}: some window has a runner-up within ${margin} of its maximum` : null;
    },
  };
}

function probesFor(node: Apply, margin: number): Probe | null {
  const [a, b, c] = node.inputs;
  switch (node.op.name) {
    case 'relu':
    case 'abs':
    case 'sgn':
      return distanceProbe(node, T.abs(a!), 'the smallest |input|', margin);
    case 'maximum':
    case 'minimum':
    case 'gt':
    case 'lt':
    case 'ge':
    case 'le':
      return distanceProbe(node, T.abs(T.sub(a!, b!)), 'the smallest |a - b|', margin);
    case 'clip':
      return distanceProbe(node, T.minimum(T.abs(T.sub(a!, b!)), T.abs(T.sub(a!, c!))), 'the smallest distance to a bound', margin);
    case 'max':
    case 'min':
    case 'argmax':
      return extremumProbe(node, margin);
    case 'maxPool2d':
      return (node.op.params as { mode?: string } | undefined)?.mode === 'max' ? poolProbe(node, margin) : null;
    default:
      return null;
  }
}

/**
 * The first kink or tie the values at `points` reach in the graph of `output`, as a sentence; null when every
 * kinked op is at least `margin` away from its kink.
 */
export function findKink(output: Variable, inputs: readonly Variable[], points: readonly NDArray[], margin: number): string | null {
  const probes = toposort([output])
    .map((n) => probesFor(n, margin))
    .filter((p): p is Probe => p !== null);
  if (probes.length === 0) return null;
  const f = compileFunction(
    [...inputs],
    probes.flatMap((p) => p.outputs),
    { mode: 'FAST_COMPILE', onUnusedInput: 'ignore', allowInputDowncast: true, name: 'findKink' },
  );
  const values = f(...points);
  let k = 0;
  for (const p of probes) {
    const mine = values.slice(k, k + p.outputs.length);
    k += p.outputs.length;
    const why = p.check(mine);
    if (why) return why;
  }
  return null;
}
