/**
 * Tests of the testers: copies of ops with a planted gradient bug (planted-ops.ts). verifyGrad must catch
 * each on a direct example, and checkGrad over random graphs that may contain the op must find a failing graph
 * and shrink it to a minimal one that shows the planted op, printed with pp, with the worst element.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as theano from '../../src/index.js';
import { GradientError } from '../../src/index.js';
import type { Variable } from '../../src/index.js';
import { defaultGraphOps, graphArb, gradProperty, valuesAwayFromKinks, type GraphCase } from '../../src/testing/index.js';
import { badSin, centerlessSoftmax, failNeg, forgetfulMul, plantedGraphOps, skewedExp, transposelessDot, unreducedAdd, wrongMaxPool } from './planted-ops.js';
import { PROPS_SEED, runs } from './config.js';

interface Planted {
  name: string;
  bug: string;
  fun: (...xs: Variable[]) => Variable;
  shapes: number[][];
  /** What verifyGrad's message must say. */
  message: RegExp;
  /** Most op nodes the shrunk graph may keep (the planted op and the repairs it needs). */
  maxShrunkSize: number;
}

const planted: Planted[] = [
  { name: 'badSin', bug: 'a sign error (-cos for cos)', fun: badSin, shapes: [[3, 4]], message: /disagrees with finite differences/, maxShrunkSize: 1 },
  {
    name: 'forgetfulMul',
    bug: 'the product rule forgets the second term',
    fun: (x, y) => forgetfulMul(x, y!),
    shapes: [[3], [3]],
    message: /input 1 of 2 .* analytic 0, numeric/,
    maxShrunkSize: 1,
  },
  {
    name: 'wrongMaxPool',
    bug: 'max-pool gradient routed to the top-left element, not the maximum',
    fun: (x) => wrongMaxPool(x),
    shapes: [[2, 1, 4, 4]],
    message: /disagrees with finite differences at element \[\d, 0, \d, \d\]/,
    maxShrunkSize: 1,
  },
  {
    name: 'centerlessSoftmax',
    bug: 'softmax gradient without its centring term',
    fun: centerlessSoftmax,
    shapes: [[3, 4]],
    message: /disagrees/,
    maxShrunkSize: 1,
  },
  {
    name: 'transposelessDot',
    bug: 'dot gradient missing a transpose (square operands hide the shape error)',
    fun: (a, b) => transposelessDot(a, b!),
    shapes: [
      [3, 3],
      [3, 3],
    ],
    message: /disagrees/,
    maxShrunkSize: 1,
  },
  {
    name: 'unreducedAdd',
    bug: 'a broadcast gradient not summed back to the input shape',
    fun: (a, b) => unreducedAdd(a, b!),
    shapes: [
      [3, 2],
      [1, 2],
    ],
    message: /input 1 of 2 .* has shape \(3, 2\); expected \(1, 2\)/,
    // The bug shows only where an operand is broadcast by this op itself and its gradient then meets an op that
    // checks shapes; with one input left, reaching such an operand can take a few ops.
    maxShrunkSize: 4,
  },
  {
    name: 'skewedExp',
    bug: 'an exp gradient 0.1% too large',
    fun: skewedExp,
    shapes: [[5]],
    message: /rel\. error 0\.000499\d+ > rel\. tolerance 0\.0001/,
    maxShrunkSize: 1,
  },
  {
    name: 'failNeg',
    bug: "Theano's FailOp: a negation whose gradient forgot the sign",
    fun: failNeg,
    shapes: [[4, 2]],
    message: /analytic -?(\d+\.\d{4})\d*, numeric -?\1/,
    maxShrunkSize: 1,
  },
];

describe('planted gradient bugs are caught', () => {
  for (const p of planted) {
    describe(`${p.name}: ${p.bug}`, () => {
      it('verifyGrad throws a GradientError naming the input and the worst element', () => {
        const points = p.shapes.map((s, i) => valuesAwayFromKinks(s, 100 + i));
        expect(() => theano.gradient.verifyGrad(p.fun, points)).toThrow(GradientError);
        expect(() => theano.gradient.verifyGrad(p.fun, points)).toThrow(p.message);
      });

      it('checkGrad over random graphs containing the op fails, shrinks to a minimal graph and prints it', () => {
        const arb = graphArb({ ops: [...defaultGraphOps, plantedGraphOps[p.name]!] });
        // Search at least 200 graphs whatever --runs says: finding the bug is what is tested.
        const result = fc.check(gradProperty(arb), { seed: PROPS_SEED, numRuns: Math.max(200, runs(200)) });
        expect(result.failed, 'a failing graph was found').toBe(true);
        const shrunk = result.counterexample![0] as GraphCase;
        const text = String(shrunk);
        expect(text).toContain(p.name);
        expect(shrunk.size).toBeLessThanOrEqual(p.maxShrunkSize);
        // The report fast-check prints: seed, the shrunk graph (its pp), and the error with the worst element.
        const report = fc.defaultReportMessage(result)!;
        expect(report).toContain(`seed: ${PROPS_SEED}`);
        expect(report).toContain(`Counterexample: [${text}]`);
        const error = result.errorInstance as GradientError;
        expect(error).toBeInstanceOf(GradientError);
        // The worst element, or (a gradient of the wrong shape breaking another op's gradient) the failing op.
        expect(error.message).toMatch(/at element \[[\d, ]*\]: analytic|has shape|building or running the gradient failed: ShapeError/);
        expect(error.message).toContain(theano.printing.pp(shrunk.build().output));
      });
    });
  }

  it('the correct ops of the same families pass the same checks (no false alarms)', () => {
    const result = fc.check(gradProperty(graphArb()), { seed: PROPS_SEED, numRuns: runs(50) });
    expect(result.failed).toBe(false);
  });
});
