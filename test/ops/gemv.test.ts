import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as theano from '../../src/index.js';
import { T, ShapeError, type Variable } from '../../src/index.js';
import { gemv } from '../../src/ops/gemv.js';

describe('gemv', () => {
  it('property: every matrix-vector form computes bit for bit what the graph as written does', () => {
    const forms: [string, (m: Variable, v: Variable, z: Variable, s: Variable) => Variable][] = [
      ['M·v', (m, v) => T.dot(m, v)],
      ['v·M', (m, v) => T.dot(v, m)],
      ['Mᵀ·v', (m, v) => T.dot(m.T, v)],
      ['v·Mᵀ', (m, v) => T.dot(v, m.T)],
      ['z - s*(M·v)', (m, v, z, s) => z.sub(T.dot(m, v).mul(s))],
      ['s*(v·M) + z', (m, v, z, s) => T.mul(s, T.dot(v, m)).add(z)],
      ['(Mᵀ·v) - z', (m, v, z) => T.dot(m.T, v).sub(z)],
    ];
    fc.assert(
      fc.property(
        fc.nat(forms.length - 1),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        fc.constantFrom('float32' as const, 'float64' as const),
        fc.integer({ min: 0, max: 999 }),
        (k, rows, cols, dtype, seed) => {
          const [name, build] = forms[k]!;
          const rng = new theano.RandomState(seed);
          const m = T.tensor(dtype, [null, null], 'm');
          const v = T.tensor(dtype, [null], 'v');
          const z = T.tensor(dtype, [null], 'z');
          const s = T.tensor(dtype, [], 's');
          const out = build(m, v, z, s);
          const fast = theano.function([m, v, z, s], out, { onUnusedInput: 'ignore' });
          const plain = theano.function([m, v, z, s], out, { onUnusedInput: 'ignore', mode: 'FAST_COMPILE' });
          expect(fast.kernels().map((kr) => kr.name.slice(0, 4))).toContain('gemv');
          // v runs along M's rows in v·M and Mᵀ·v, along its columns in M·v and v·Mᵀ.
          const vLen = ['v·M', 'Mᵀ·v', 's*(v·M) + z', '(Mᵀ·v) - z'].includes(name) ? rows : cols;
          const outLen = vLen === rows ? cols : rows;
          const sparse = (n: number) => rng.normal(0, 1, n).map((x, i) => (i % 3 === 1 ? 0 : x));
          const args = [
            theano.ndarray(sparse(rows * cols), [rows, cols], dtype),
            theano.ndarray(sparse(vLen), [vLen], dtype),
            theano.ndarray(sparse(outLen), [outLen], dtype),
            theano.ndarray([rng.normal(0, 1, 1)[0]!], [], dtype),
          ];
          expect(Array.from(fast(...args).data)).toEqual(Array.from(plain(...args).data));
        },
      ),
      { seed: 4, numRuns: 150 },
    );
  });

  it('mismatched sizes are a ShapeError naming the dot and the vector with its real shape', () => {
    const [m, v] = [T.dmatrix('m'), T.dvector('v')];
    const f = theano.function([m, v], T.dot(v, m));
    expect(() =>
      f(
        [
          [1, 2],
          [3, 4],
        ],
        [1, 2, 3],
      ),
    ).toThrow(ShapeError);
    expect(() =>
      f(
        [
          [1, 2],
          [3, 4],
        ],
        [1, 2, 3],
      ),
    ).toThrow(/^dot: inner dimensions differ: 'm' \(float64 matrix, shape \(2, 2\)\) and 'v' \(float64 vector, shape \(3,\)\)/);
  });

  for (const transA of [false, true]) {
    for (const accumulate of [false, true]) {
      it(`gradients agree with finite differences: transA=${transA}, accumulate=${accumulate}`, () => {
        const A = [
          [0.3, 0.5, 1],
          [-1, 2, 0.1],
        ];
        const x = transA ? [0.7, -0.4] : [0.7, -0.4, 1.2];
        const z = transA ? [0.1, 0.2, -0.3] : [0.1, 0.2];
        const p = { transA, accumulate };
        if (accumulate) theano.gradient.verifyGrad((zz, be, al, a, xx) => T.sum(T.sqr(gemv(p, [zz!, be!, al!, a!, xx!]))), [z, 0.7, -1.3, A, x]);
        else theano.gradient.verifyGrad((al, a, xx) => T.sum(T.sqr(gemv(p, [al!, a!, xx!]))), [-1.3, A, x]);
      });
    }
  }

  it('a broadcast z gets its gradient summed back to its shape', () => {
    theano.gradient.verifyGrad(
      (zz, a, xx) => T.sum(T.sqr(gemv({ transA: false, accumulate: true }, [zz!, T.constant(1, 'float64'), T.constant(2, 'float64'), a!, xx!]))),
      [
        [0.5],
        [
          [0.3, 0.5],
          [-1, 2],
          [1, 1],
        ],
        [0.7, -0.4],
      ],
    );
  });
});
