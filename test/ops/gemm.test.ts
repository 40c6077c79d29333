import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as theano from '../../src/index.js';
import { T, ShapeError } from '../../src/index.js';
import { gemm, type GemmParams } from '../../src/ops/gemm.js';

/** Float64 reference: beta*Z + alpha*op(A)·op(B) with NumPy broadcasting of Z against the product. */
function reference(p: GemmParams, A: number[][], B: number[][], alpha: number, Z?: number[][], beta = 0): number[][] {
  const t = (M: number[][]) => M[0]!.map((_, j) => M.map((r) => r[j]!));
  const a = p.transA ? t(A) : A;
  const b = p.transB ? t(B) : B;
  const prod = a.map((r) => b[0]!.map((_, j) => alpha * r.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
  if (!Z) return prod;
  const rows = Math.max(prod.length, Z.length);
  const cols = Math.max(prod[0]!.length, Z[0]!.length);
  return Array.from({ length: rows }, (_, i) =>
    Array.from(
      { length: cols },
      (_, j) => beta * Z[Z.length === 1 ? 0 : i]![Z[0]!.length === 1 ? 0 : j]! + prod[prod.length === 1 ? 0 : i]![prod[0]!.length === 1 ? 0 : j]!,
    ),
  );
}

const variants: GemmParams[] = [false, true].flatMap((transA) =>
  [false, true].flatMap((transB) => [false, true].map((accumulate) => ({ transA, transB, accumulate }))),
);

function compile(p: GemmParams) {
  const [a, b, z] = [T.dmatrix('a'), T.dmatrix('b'), T.dmatrix('z')];
  const [alpha, beta] = [T.dscalar('alpha'), T.dscalar('beta')];
  return p.accumulate
    ? theano.function([z, beta, alpha, a, b], gemm(p, [z, beta, alpha, a, b]), { mode: 'FAST_COMPILE' })
    : theano.function([alpha, a, b], gemm(p, [alpha, a, b]), { mode: 'FAST_COMPILE' });
}

const matrix = (rows: number, cols: number) =>
  fc.array(fc.array(fc.double({ min: -4, max: 4, noNaN: true }), { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows });

describe('gemm', () => {
  for (const p of variants) {
    it(`matches a float64 reference: ${JSON.stringify(p)}, with sparse A and broadcast Z`, () => {
      const f = compile(p);
      const arb = fc
        .tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 6 }), fc.constantFrom('full', 'row', 'col', 'one'))
        .chain(([m, n, k, zShape]) =>
          fc.record({
            A: p.transA ? matrix(k, m) : matrix(m, k),
            B: p.transB ? matrix(n, k) : matrix(k, n),
            Z: matrix(zShape === 'row' || zShape === 'one' ? 1 : m, zShape === 'col' || zShape === 'one' ? 1 : n),
            alpha: fc.double({ min: -2, max: 2, noNaN: true }),
            beta: fc.double({ min: -2, max: 2, noNaN: true }),
            zeroMask: fc.array(fc.boolean(), { minLength: m * k, maxLength: m * k }),
          }),
        );
      fc.assert(
        fc.property(arb, ({ A, B, Z, alpha, beta, zeroMask }) => {
          // Mostly-zero A exercises the zero-skipping path.
          const As = A.map((r, i) => r.map((v, j) => (zeroMask[i * r.length + j] ? 0 : v)));
          const got = (p.accumulate ? f(Z, beta, alpha, As, B) : f(alpha, As, B)).toArray() as number[][];
          const want = reference(p, As, B, alpha, p.accumulate ? Z : undefined, beta);
          expect(got.length).toBe(want.length);
          got.forEach((r, i) => r.forEach((v, j) => expect(v).toBeCloseTo(want[i]![j]!, 10)));
        }),
        { seed: 3, numRuns: 60 },
      );
    });
  }

  it('a product with one row broadcasts over a larger Z, as the unfused add would', () => {
    const f = compile({ transA: false, transB: false, accumulate: true });
    const got = f(
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      2,
      1,
      [[1, 1]],
      [
        [1, 0],
        [0, 1],
      ],
    ).toArray();
    expect(got).toEqual([
      [3, 5],
      [7, 9],
      [11, 13],
    ]);
  });

  it('a column Z and a one-row product broadcast against each other into an outer sum (found by the fuzzer, seed 8080)', () => {
    const f = compile({ transA: false, transB: false, accumulate: true });
    // Z (3, 1) + 1 · [1 2] · I (1, 2) -> (3, 2): Z's rows are one value each.
    const got = f(
      [[10], [20], [30]],
      1,
      1,
      [[1, 2]],
      [
        [1, 0],
        [0, 1],
      ],
    ).toArray();
    expect(got).toEqual([
      [11, 12],
      [21, 22],
      [31, 32],
    ]);
  });

  it('zeros of A still give NaN against an Inf or NaN in B (0 * Inf is NaN)', () => {
    const f = compile({ transA: false, transB: false, accumulate: false });
    const A = Array.from({ length: 4 }, () => [0, 0, 0, 1]);
    const got = f(1, A, [[Infinity], [0], [0], [1]]).toArray() as number[][];
    got.forEach((r) => expect(r[0]).toBeNaN());
  });

  it("mismatched inner sizes are a ShapeError naming the user's dot and variables", () => {
    const f = compile({ transA: true, transB: false, accumulate: false });
    expect(() => f(1, [[1, 2]], [[1], [2]])).toThrow(ShapeError);
    expect(() => f(1, [[1, 2]], [[1], [2]])).toThrow(/^dot: inner dimensions differ: 'a' .*shape \(1, 2\).* and 'b'/);
  });

  for (const p of variants) {
    it(`gradients agree with finite differences: ${JSON.stringify(p)}`, () => {
      const A = p.transA
        ? [
            [0.3, -1],
            [0.5, 2],
            [1, 0.1],
          ]
        : [
            [0.3, 0.5, 1],
            [-1, 2, 0.1],
          ];
      const B = p.transB
        ? [
            [1, -0.5, 0.2],
            [0.7, 0.3, -1.1],
            [0.4, 0.9, 0.6],
            [-0.3, 0.2, 1],
          ]
        : [
            [1, 0.7, 0.4, -0.3],
            [-0.5, 0.3, 0.9, 0.2],
            [0.2, -1.1, 0.6, 1],
          ];
      const Z = [
        [0.1, 0.2, 0.3, 0.4],
        [-0.1, -0.2, 0.5, 0.6],
      ];
      if (p.accumulate) theano.gradient.verifyGrad((z, be, al, a, b) => T.sum(T.sqr(gemm(p, [z!, be!, al!, a!, b!]))), [Z, 0.7, -1.3, A, B]);
      else theano.gradient.verifyGrad((al, a, b) => T.sum(T.sqr(gemm(p, [al!, a!, b!]))), [-1.3, A, B]);
    });
  }
});
