/** T.nnet.conv2d forward: Theano 1.0's modes, strides and filter flipping against a textbook float64 reference; shapes; errors. */
import { describe, expect, it } from 'vitest';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';
import { expectClose, toND } from '../helpers/check.js';
import * as R from '../helpers/reference.js';
import { refConv2d, type RefBorder } from '../helpers/conv-reference.js';

type Border = 'valid' | 'full' | 'half' | number | [number, number];

const borders: Border[] = ['valid', 'full', 'half', [1, 2], 1];
const strides: [number, number][] = [
  [1, 1],
  [2, 2],
  [2, 1],
];

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('conv2d: hand-worked fixtures', () => {
  const x = [
    [
      [
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
      ],
    ],
  ];
  const w = [
    [
      [
        [1, 2],
        [3, 4],
      ],
    ],
  ];

  it('1x1x3x3 with 1x1x2x2: filterFlip false is cross-correlation, true (the default) a true convolution', () => {
    const xv = T.dtensor4('x');
    const wv = T.dtensor4('w');
    const corr = theano.function([xv, wv], T.nnet.conv2d(xv, wv, { filterFlip: false }));
    const conv = theano.function([xv, wv], T.nnet.conv2d(xv, wv));
    // 1·1 + 2·2 + 4·3 + 5·4 = 37, …
    expect(corr(x, w).toArray()).toEqual([
      [
        [
          [37, 47],
          [67, 77],
        ],
      ],
    ]);
    // Flipped filter [[4, 3], [2, 1]]: 1·4 + 2·3 + 4·2 + 5·1 = 23, …
    expect(conv(x, w).toArray()).toEqual([
      [
        [
          [23, 33],
          [53, 63],
        ],
      ],
    ]);
  });

  it("'full' true convolution of the fixture is the 2-D polynomial product", () => {
    // (1 + 2a + 3a² + (4 + 5a + 6a²)b + …) · (1 + 2a + (3 + 4a)b): coefficients by hand.
    const xv = T.dtensor4('x');
    const wv = T.dtensor4('w');
    const f = theano.function([xv, wv], T.nnet.conv2d(xv, wv, { borderMode: 'full' }));
    expect(f(x, w).toArray()).toEqual([
      [
        [
          [1, 4, 7, 6],
          [7, 23, 33, 24],
          [19, 53, 63, 42],
          [21, 52, 59, 36],
        ],
      ],
    ]);
  });

  it("'half' with an odd filter keeps the size; stride 2 keeps every other output", () => {
    const xv = T.dtensor4('x');
    const wv = T.dtensor4('w');
    const ones = [
      [
        [
          [0, 0, 0],
          [0, 1, 0],
          [0, 0, 0],
        ],
      ],
    ];
    const same = theano.function([xv, wv], T.nnet.conv2d(xv, wv, { borderMode: 'half' }));
    expect(same(x, ones).toArray()).toEqual(x);
    const strided = theano.function([xv, wv], T.nnet.conv2d(xv, wv, { borderMode: 'half', subsample: [2, 2] }));
    expect(strided(x, ones).toArray()).toEqual([
      [
        [
          [1, 3],
          [7, 9],
        ],
      ],
    ]);
  });
});

describe('conv2d: against the float64 reference', () => {
  const xShape = [2, 3, 7, 9];
  const wShape = [4, 3, 3, 2];
  for (const border of borders)
    for (const stride of strides)
      for (const flip of [true, false]) {
        it(`7x9 image, 3x2 filter, borderMode ${JSON.stringify(border)}, subsample ${stride}, filterFlip ${flip}`, () => {
          const rand = R.rng(101 + stride[0] * 7 + stride[1] * 3 + (flip ? 1 : 0));
          const xv = R.randArr(xShape, rand);
          const wv = R.randArr(wShape, rand);
          const x = T.dtensor4('x');
          const w = T.dtensor4('w');
          const y = T.nnet.conv2d(x, w, { borderMode: border, subsample: stride, filterFlip: flip });
          const expected = refConv2d(xv, wv, { border: border as RefBorder, stride, flip });
          const got = theano.function([x, w], y)(toND(xv), toND(wv));
          expect(got.dtype).toBe('float64');
          expectClose(got, expected, { atol: 1e-13, rtol: 1e-13 });
        });
      }

  it('sizes that leave remainders in every tile of the product (5 filters, 3 channels, odd images)', () => {
    for (const [xs, ws, stride] of [
      [
        [3, 3, 11, 6],
        [5, 3, 4, 3],
        [1, 1],
      ],
      [
        [1, 2, 5, 13],
        [7, 2, 1, 5],
        [3, 2],
      ],
      [
        [2, 1, 4, 4],
        [1, 1, 4, 4],
        [1, 1],
      ],
    ] as [number[], number[], [number, number]][]) {
      const rand = R.rng(xs[2]! * 31 + ws[0]!);
      const xv = R.randArr(xs, rand);
      const wv = R.randArr(ws, rand);
      const x = T.dtensor4('x');
      const w = T.dtensor4('w');
      for (const border of ['valid', 'full'] as const) {
        const got = theano.function([x, w], T.nnet.conv2d(x, w, { borderMode: border, subsample: stride }))(toND(xv), toND(wv));
        expectClose(got, refConv2d(xv, wv, { border, stride }), { atol: 1e-12, rtol: 1e-12, what: `${xs} * ${ws} ${border}` });
      }
    }
  });

  it("network3's shapes: 10x1x28x28 * 20x1x5x5 and 10x20x12x12 * 40x20x5x5 (float32, accumulated in float64)", () => {
    for (const [xs, ws] of [
      [
        [10, 1, 28, 28],
        [20, 1, 5, 5],
      ],
      [
        [10, 20, 12, 12],
        [40, 20, 5, 5],
      ],
    ]) {
      const rand = R.rng(xs[1]!);
      const xv = R.map(R.randArr(xs!, rand), Math.fround);
      const wv = R.map(R.randArr(ws!, rand), Math.fround);
      const x = T.ftensor4('x');
      const w = T.ftensor4('w');
      const y = T.nnet.conv2d(x, w, { inputShape: xs, filterShape: ws });
      expect(y.dtype).toBe('float32');
      expect(y.type.shape).toEqual([10, ws![0], xs![2]! - 4, xs![3]! - 4]);
      const exp = refConv2d(xv, wv);
      const wasm = theano.config.wasm;
      try {
        // The JS kernels: each float32 output is the float64 sum rounded once.
        theano.config.wasm = 'off';
        const got = theano.function([x, w], y)(toND(xv, 'float32'), toND(wv, 'float32'));
        expectClose(got, R.map(exp, Math.fround), { atol: 0, rtol: 0 });
      } finally {
        theano.config.wasm = wasm;
      }
      // The wasm GEMM (where the engine has SIMD) sums in float32.
      const f = theano.function([x, w], y);
      const fast = f(toND(xv, 'float32'), toND(wv, 'float32'));
      expectClose(fast, exp, { atol: 1e-5 * xs![1]! * 25, rtol: 1e-5 });
    }
  });

  it('float32 with float64 upcasts to float64; T.nnet.conv2d accepts nested arrays as constants', () => {
    const x = T.ftensor4('x');
    const w = T.dtensor4('w');
    expect(T.nnet.conv2d(x, w).dtype).toBe('float64');
    const y = T.nnet.conv2d(x, [[[[2]]]]);
    expect(y.dtype).toBe('float32');
    expect(
      theano
        .function(
          [x],
          y,
        )([
          [
            [
              [1, 2],
              [3, 4],
            ],
          ],
        ])
        .toArray(),
    ).toEqual([
      [
        [
          [2, 4],
          [6, 8],
        ],
      ],
    ]);
  });
});

describe('conv2d: static shapes (Theano get_conv_output_shape)', () => {
  // Theano's own test: (3, 2, 8, 9) with (4, 2, 5, 6), subsample (1, 2).
  const cases: [Border, number[]][] = [
    ['valid', [3, 4, 4, 2]],
    ['half', [3, 4, 8, 5]],
    ['full', [3, 4, 12, 7]],
    [
      [1, 2],
      [3, 4, 6, 4],
    ],
  ];
  for (const [border, expected] of cases) {
    it(`borderMode ${JSON.stringify(border)}: ${expected}`, () => {
      const xc = theano.ndarray(new Float64Array(3 * 2 * 8 * 9), [3, 2, 8, 9]);
      const wc = theano.ndarray(new Float64Array(4 * 2 * 5 * 6), [4, 2, 5, 6]);
      const y = T.nnet.conv2d(xc, wc, { borderMode: border, subsample: [1, 2] });
      expect(y.type.shape).toEqual(expected);
      const x = T.dtensor4('x');
      const w = T.dtensor4('w');
      const yy = T.nnet.conv2d(x, w, { borderMode: border, subsample: [1, 2], inputShape: [3, 2, 8, 9], filterShape: [4, 2, 5, 6] });
      expect(yy.type.shape).toEqual(expected);
      expect(theano.function([x, w], yy)(xc, wc).shape).toEqual(expected);
    });
  }

  it('partial hints refine only what they know; unknown sizes stay null', () => {
    const x = T.dtensor4('x');
    const w = T.dtensor4('w');
    expect(T.nnet.conv2d(x, w).type.shape).toEqual([null, null, null, null]);
    expect(T.nnet.conv2d(x, w, { inputShape: [null, 1, 28, null], filterShape: [20, 1, 5, 5] }).type.shape).toEqual([null, 20, 24, null]);
    expect(T.nnet.conv2d(x, w, { inputShape: [10, null, null, null] }).type.shape).toEqual([10, null, null, null]);
  });

  it('ops print their parameters; integer and (0, 0) border modes normalise as in Theano', () => {
    const x = T.dtensor4('x');
    const w = T.dtensor4('w');
    expect(T.nnet.conv2d(x, w).owner!.op.toString()).toBe('conv2d{borderMode=valid,subsample=(1,1),filterFlip=true}');
    expect(T.nnet.conv2d(x, w, { borderMode: 2, subsample: [2, 1], filterFlip: false }).owner!.op.toString()).toBe(
      'conv2d{borderMode=(2,2),subsample=(2,1),filterFlip=false}',
    );
    expect(T.nnet.conv2d(x, w, { borderMode: [0, 0] }).owner!.op.toString()).toContain('borderMode=valid');
    expect(theano.printing.pp(T.nnet.conv2d(x, w))).toBe('conv2d(x, w)');
  });
});

describe('conv2d: errors', () => {
  it('wrong rank or an integer dtype names the variable', () => {
    const m = T.dmatrix('img');
    const w = T.dtensor4('w');
    const e = errorOf(() => T.nnet.conv2d(m, w));
    expect(e).toBeInstanceOf(theano.TypeMismatchError);
    expect(e.message).toMatch(/^conv2d: the input must be a 4-d tensor/);
    expect(e.message).toContain("'img' (float64 matrix)");
    expect(() => T.nnet.conv2d(T.dtensor4('x'), T.dtensor3('filt'))).toThrowError(/filters must be a 4-d tensor.*'filt'/);
    expect(() => T.nnet.conv2d(T.tensor4('ix', 'int32'), w)).toThrowError(/float32 or float64.*'ix'/);
  });

  it('a channel mismatch names both variables with their shapes, statically and at run time', () => {
    const hinted = errorOf(() => T.nnet.conv2d(T.dtensor4('x'), T.dtensor4('w'), { inputShape: [null, 3, null, null], filterShape: [4, 2, 3, 3] }));
    expect(hinted.message).toContain(
      "the input has 3 channels but the filters expect 2: 'x' (float64 tensor4) with inputShape (?, 3, ?, ?) and 'w' (float64 tensor4) with filterShape (4, 2, 3, 3)",
    );
    const stat = errorOf(() =>
      T.nnet.conv2d(theano.ndarray(new Float64Array(3 * 25), [1, 3, 5, 5]), theano.ndarray(new Float64Array(4 * 2 * 9), [4, 2, 3, 3])),
    );
    expect(stat).toBeInstanceOf(theano.ShapeError);
    expect(stat.message).toMatch(/^conv2d: the input has 3 channels but the filters expect 2/);
    expect(stat.message).toContain('(1, 3, 5, 5)');
    expect(stat.message).toContain('(4, 2, 3, 3)');

    const x = T.dtensor4('x');
    const w = T.dtensor4('w');
    const f = theano.function([x, w], T.nnet.conv2d(x, w));
    const e = errorOf(() => f(toND(R.arr([2, 3, 5, 5])), toND(R.arr([4, 2, 3, 3]))));
    expect(e).toBeInstanceOf(theano.ShapeError);
    expect(e.message).toMatch(/^conv2d: the input has 3 channels but the filters expect 2/);
    expect(e.message).toContain("'x' (float64 tensor4, shape (2, 3, 5, 5))");
    expect(e.message).toContain("'w' (float64 tensor4, shape (4, 2, 3, 3))");
    expect(e.message).toMatch(/Created at .*conv2d\.test\.ts/);
  });

  it('an inputShape or filterShape hint that disagrees is an error when built and when run', () => {
    const xc = theano.ndarray(new Float64Array(28 * 28), [1, 1, 28, 28]);
    const stat = errorOf(() => T.nnet.conv2d(xc, T.dtensor4('w'), { inputShape: [1, 1, 27, 28] }));
    expect(stat).toBeInstanceOf(theano.ShapeError);
    expect(stat.message).toMatch(/inputShape \(1, 1, 27, 28\) does not match an unnamed input \(float64 tensor4 \(1, 1, 28, 28\)\) on axis 2/);

    const x = T.dtensor4('x');
    const w = T.dtensor4('w');
    const f = theano.function([x, w], T.nnet.conv2d(x, w, { inputShape: [null, 1, 28, 28], filterShape: [20, 1, 5, 5] }));
    const e = errorOf(() => f(toND(R.arr([10, 1, 28, 27])), toND(R.arr([20, 1, 5, 5]))));
    expect(e).toBeInstanceOf(theano.ShapeError);
    expect(e.message).toContain("inputShape (?, 1, 28, 28) does not match 'x' (float64 tensor4, shape (10, 1, 28, 27)) on axis 3");
    const e2 = errorOf(() => f(toND(R.arr([10, 1, 28, 28])), toND(R.arr([20, 1, 3, 5]))));
    expect(e2.message).toContain("filterShape (20, 1, 5, 5) does not match 'w'");
  });

  it('a filter larger than the padded input is an error naming both, statically and at run time', () => {
    const x = T.dtensor4('x');
    const w = T.dtensor4('w');
    const stat = errorOf(() => T.nnet.conv2d(x, w, { inputShape: [null, 1, 4, 10], filterShape: [2, 1, 5, 3] }));
    expect(stat).toBeInstanceOf(theano.ShapeError);
    expect(stat.message).toMatch(/^conv2d: the filters are larger than the padded input \(rows: filter 5 > input 4 \+ 2 \* padding 0\)/);
    // Padding can make it fit: 4 + 2·1 >= 5.
    expect(T.nnet.conv2d(x, w, { inputShape: [null, 1, 4, 10], filterShape: [2, 1, 5, 3], borderMode: 1 }).type.shape).toEqual([null, 2, 2, 10]);

    const f = theano.function([x, w], T.nnet.conv2d(x, w, { borderMode: [0, 1] }));
    const e = errorOf(() => f(toND(R.arr([1, 1, 6, 2])), toND(R.arr([1, 1, 3, 5]))));
    expect(e).toBeInstanceOf(theano.ShapeError);
    expect(e.message).toContain('cols: filter 5 > input 2 + 2 * padding 1');
    expect(e.message).toContain("'x' (float64 tensor4, shape (1, 1, 6, 2))");
    expect(e.message).toContain("'w' (float64 tensor4, shape (1, 1, 3, 5))");
  });

  it('bad options are rejected with what was passed', () => {
    const x = T.dtensor4('x');
    const w = T.dtensor4('w');
    expect(() => T.nnet.conv2d(x, w, { borderMode: 'same' as never })).toThrowError(/borderMode .* got "same"/);
    expect(() => T.nnet.conv2d(x, w, { borderMode: -1 })).toThrowError(/borderMode/);
    expect(() => T.nnet.conv2d(x, w, { subsample: [0, 1] })).toThrowError(/subsample must be a pair of positive integers.*\[0,1\]/);
    expect(() => T.nnet.conv2d(x, w, { inputShape: [1, 2, 3] })).toThrowError(/inputShape must have four entries/);
  });
});
