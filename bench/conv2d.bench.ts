/**
 * conv2d on network3's two layer shapes (mini-batch 10, float32): forward, gradient with respect to the input and
 * gradient with respect to the filters, each compiled alone with theano.function. Prints the median over
 * several timed calls (after warm-up) in µs per call with its GFLOP/s, and the fastest call (2 flops per multiply-add).
 *
 *   npx tsx bench/conv2d.bench.ts [runs]
 */
import * as theano from '../src/index.js';
import { T } from '../src/index.js';
import { constant } from '../src/ir/constant.js';
import { normalizeConvOptions } from '../src/ops/conv-geometry.js';
import { conv2dGradInputs } from '../src/ops/conv2d-grad-input.js';
import { conv2dGradFilters } from '../src/ops/conv2d-grad-filters.js';

const runs = Number(process.argv[2] ?? 30);

function rand(shape: number[], seed: number): theano.NDArray {
  let s = seed >>> 0;
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s / 4294967296 - 0.5;
  }
  return theano.ndarray(data, shape, 'float32');
}

function timings(fn: () => void): { median: number; min: number } {
  for (let i = 0; i < 5; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t) / 1e3);
  }
  times.sort((a, b) => a - b);
  return { median: times[times.length >> 1]!, min: times[0]! };
}

const layers: [string, number[], number[]][] = [
  ['10x1x28x28 * 20x1x5x5', [10, 1, 28, 28], [20, 1, 5, 5]],
  ['10x20x12x12 * 40x20x5x5', [10, 20, 12, 12], [40, 20, 5, 5]],
];

console.log(`conv2d, float32, median of ${runs} calls`);
for (const [name, xs, ws] of layers) {
  const p = normalizeConvOptions({});
  const outShape = [xs[0]!, ws[0]!, xs[2]! - ws[2]! + 1, xs[3]! - ws[3]! + 1];
  const macs = outShape.reduce((a, b) => a * b, 1) * ws[1]! * ws[2]! * ws[3]!;
  const x = T.ftensor4('x');
  const w = T.ftensor4('w');
  const gz = T.ftensor4('gz');
  const forward = theano.function([x, w], T.nnet.conv2d(x, w));
  const gradInputs = theano.function([w, gz], conv2dGradInputs(w, gz, [constant(xs[2]!, 'int32'), constant(xs[3]!, 'int32')], p));
  const gradFilters = theano.function([x, gz], conv2dGradFilters(x, gz, [constant(ws[2]!, 'int32'), constant(ws[3]!, 'int32')], p));
  const xv = rand(xs, 1);
  const wv = rand(ws, 2);
  const gv = rand(outShape, 3);
  for (const [what, fn] of [
    ['forward', () => forward(xv, wv)],
    ['gradInputs', () => gradInputs(wv, gv)],
    ['gradFilters', () => gradFilters(xv, gv)],
  ] as [string, () => void][]) {
    const { median, min } = timings(fn);
    const gflops = ((2 * macs) / median / 1e3).toFixed(2);
    console.log(`${name.padEnd(26)} ${what.padEnd(12)} median ${median.toFixed(0).padStart(6)} µs (${gflops} GFLOP/s), min ${min.toFixed(0).padStart(6)} µs`);
  }
}
