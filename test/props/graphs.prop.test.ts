/**
 * Property: the gradient of random composite graphs over every differentiable op family matches finite
 * differences (verifyGrad's method, float64). DEFAULT_GRAPH_RUNS (200) graphs are checked with the fixed seed
 * of config.ts; graphs that land on a kink or tie are skipped and replaced, so 200 graphs are really checked.
 * `npm run test:props -- --seed S --runs N` checks N graphs from another seed.
 */
import { describe, expect, it } from 'vitest';
import { graphArb, gradProperty, type GradPropertyStats } from '../../src/testing/index.js';
import { DEFAULT_GRAPH_RUNS, assertProperty, runs } from './config.js';

describe('property: gradients of random composite graphs', () => {
  it(`match finite differences on ${runs(DEFAULT_GRAPH_RUNS)} random graphs (up to 8 ops, depth 4, inputs of rank ≤ 3)`, () => {
    const stats: GradPropertyStats = { checked: 0, skipped: 0, reasons: [] };
    assertProperty(gradProperty(graphArb(), {}, stats), DEFAULT_GRAPH_RUNS);
    expect(stats.checked).toBe(runs(DEFAULT_GRAPH_RUNS));
    // Kinks and ties come from structure (maximum(x, x), a max over a broadcast copy): few graphs.
    expect(stats.skipped).toBeLessThan(stats.checked / 4);
  });

  it('also hold for larger, deeper graphs (up to 14 ops, depth 6)', () => {
    assertProperty(gradProperty(graphArb({ maxNodes: 14, maxDepth: 6, maxInputs: 3 })), 30);
  });
});
