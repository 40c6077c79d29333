/**
 * Property: for random geometry (batch, channels, image and filter sizes, border mode, strides, flip), conv2d and
 * both gradients agree with the float64 references, which conv2d-grad.test.ts checks against finite differences.
 * Exercises every edge of the im2col ranges and of the 4 × 4 product tiles.
 */
import { describe, it } from 'vitest';
import fc from 'fast-check';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';
import { expectClose, toND } from '../helpers/check.js';
import * as R from '../helpers/reference.js';
import { refConv2d, refConvGradFilters, refConvGradInput, type RefConvOpts } from '../helpers/conv-reference.js';

type Border = 'valid' | 'full' | 'half' | [number, number];

const caseArb = fc
  .record({
    B: fc.integer({ min: 1, max: 3 }),
    C: fc.integer({ min: 1, max: 3 }),
    O: fc.integer({ min: 1, max: 6 }),
    H: fc.integer({ min: 1, max: 9 }),
    W: fc.integer({ min: 1, max: 9 }),
    fr: fc.integer({ min: 1, max: 5 }),
    fc: fc.integer({ min: 1, max: 5 }),
    border: fc.oneof(
      fc.constantFrom<Border>('valid', 'full', 'half'),
      fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })).map((p): Border => p),
    ),
    stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    flip: fc.boolean(),
    seed: fc.integer({ min: 0, max: 1e9 }),
  })
  .filter((c) => {
    const pad = (f: number, axis: 0 | 1): number =>
      c.border === 'valid' ? 0 : c.border === 'full' ? f - 1 : c.border === 'half' ? Math.floor(f / 2) : c.border[axis];
    return c.H + 2 * pad(c.fr, 0) >= c.fr && c.W + 2 * pad(c.fc, 1) >= c.fc;
  });

describe('conv2d: random geometry against the reference', () => {
  it('forward, d/dinput and d/dfilters', () => {
    const x = T.dtensor4('x');
    const w = T.dtensor4('w');
    const g = T.dtensor4('g');
    fc.assert(
      fc.property(caseArb, (c) => {
        const rand = R.rng(c.seed);
        const xv = R.randArr([c.B, c.C, c.H, c.W], rand);
        const wv = R.randArr([c.O, c.C, c.fr, c.fc], rand);
        const o: RefConvOpts = { border: c.border, stride: c.stride, flip: c.flip };
        const yRef = refConv2d(xv, wv, o);
        const gv = R.randArr(yRef.shape, rand);
        const y = T.nnet.conv2d(x, w, { borderMode: c.border, subsample: c.stride, filterFlip: c.flip });
        const [gx, gw] = T.grad(T.sum(T.mul(y, g)), [x, w]);
        const [yy, gxv, gwv] = theano.function([x, w, g], [y, gx!, gw!])(toND(xv), toND(wv), toND(gv));
        const tol = { atol: 1e-12, rtol: 1e-12 };
        expectClose(yy!, yRef, { ...tol, what: 'forward' });
        expectClose(gxv!, refConvGradInput(wv, gv, xv.shape, o), { ...tol, what: 'd/dinput' });
        expectClose(gwv!, refConvGradFilters(xv, gv, wv.shape, o), { ...tol, what: 'd/dfilters' });
      }),
      { numRuns: 60, seed: 20240613 },
    );
  });
});
