/**
 * Property: the rewrite passes preserve values. Random graphs (and their gradient graphs, which carry most of
 * the patterns the passes rewrite) compiled in FAST_RUN (merge, constant folding, canonicalize, stabilize,
 * specialize, fusion) give what FAST_COMPILE (merge and stabilize only) gives, to rounding.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';
import { graphArb, valuesAwayFromKinks, type GraphCase } from '../../src/testing/index.js';
import { assertProperty } from './config.js';

function outputsIn(mode: 'FAST_RUN' | 'FAST_COMPILE', c: GraphCase): theano.NDArray[] {
  const b = c.build();
  const outShape = theano.function(b.inputs, b.output, { mode: 'FAST_COMPILE', onUnusedInput: 'ignore' })(...b.points).shape;
  const u = T.tensor('float64', outShape.length, 'u');
  const grads = T.grad(T.sum(T.mul(u, b.output)), b.inputs, { disconnectedInputs: 'ignore' });
  const f = theano.function([...b.inputs, u], [b.output, ...grads], { mode, onUnusedInput: 'ignore' });
  return f(...b.points, valuesAwayFromKinks(outShape, c.seed + 5));
}

function close(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

describe('property: rewrites preserve values', () => {
  it('FAST_RUN equals FAST_COMPILE on random graphs and their gradients', () => {
    assertProperty(
      fc.property(graphArb(), (c) => {
        const fast = outputsIn('FAST_RUN', c);
        const plain = outputsIn('FAST_COMPILE', c);
        fast.forEach((a, k) => {
          const b = plain[k]!;
          expect(a.shape, `shape of output ${k}`).toEqual(b.shape);
          for (let i = 0; i < a.data.length; i++) {
            if (!close(a.data[i]!, b.data[i]!))
              expect.fail(
                `output ${k} (${k === 0 ? 'the graph' : `the gradient of input ${k - 1}`}) element ${i}: FAST_RUN ${a.data[i]}, FAST_COMPILE ${b.data[i]}\n${c.toString()}`,
              );
          }
        });
      }),
      40,
    );
  });
});
