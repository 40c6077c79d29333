/**
 * Property: random valid graphs (tsano/testing's graphArb: elementwise, reductions, dot, reshape, dimshuffle,
 * indexing, softmax, conv2d, pooling) and their gradients compute the same in FAST_RUN (rewritten, fused) as the
 * graph as written (FAST_COMPILE); called with hostile values (NaN, infinities, huge numbers, a wrong shape)
 * both give results of the same shapes or raise TsanoErrors.
 */
import fc from 'fast-check';
import { T } from '../../src/index.js';
import type { NDArray, Variable } from '../../src/index.js';
import { graphArb, type GraphCase } from '../../src/testing/index.js';
import { valuesFor } from './arbitraries.js';
import { compileAndCompare } from './check-graph.js';
import { attempt } from './harness.js';
import { fuzzProperty, type FuzzProperty } from './suites.js';

interface GraphFuzzCase {
  graph: GraphCase;
  /** 'points': the case's values; 'hostile': NaN/Inf/huge mixed in; 'shape': one input of another shape. */
  values: 'points' | 'hostile' | 'shape';
  grad: boolean;
  seed: number;
}

const caseArb: fc.Arbitrary<GraphFuzzCase> = fc.record({
  graph: graphArb({ maxNodes: 6, maxDepth: 4, maxInputs: 2 }),
  values: fc.constantFrom<GraphFuzzCase['values']>('points', 'points', 'hostile', 'shape'),
  grad: fc.boolean(),
  seed: fc.nat(),
});

function args(c: GraphFuzzCase, points: readonly NDArray[]): NDArray[] {
  if (c.values === 'points') return points.slice();
  if (c.values === 'hostile') return points.map((p, k) => valuesFor('float64', p.shape, c.seed + k, true));
  const k = c.seed % points.length;
  return points.map((p, j) =>
    j === k
      ? valuesFor(
          'float64',
          p.shape.map((d, a) => (a === c.seed % Math.max(1, p.ndim) ? d + 1 : d)),
          c.seed,
        )
      : p,
  );
}

function run(c: GraphFuzzCase): void {
  const built = attempt('building the graph', () => c.graph.build());
  if (!built.ok) return;
  const { inputs, points, output } = built.value;
  let outputs: Variable[] = [output];
  if (c.grad) {
    const g = attempt('T.grad', () => T.grad(T.sum(output), inputs, { disconnectedInputs: 'ignore' }));
    if (g.ok) outputs = [output, ...g.value];
  }
  compileAndCompare(`graph ${c.graph.toString()}`, inputs, outputs, args(c, points), { compareValues: c.values !== 'hostile' });
}

export const graphProperties: FuzzProperty[] = [
  fuzzProperty('random valid graphs and their gradients: FAST_RUN against the graph as written', 300, caseArb, run),
];
