/**
 * Training-step time of the book's networks at mini-batch 10: FAST_COMPILE (no folding, fusion or
 * simplification) against FAST_RUN, compiled from one graph and timed in alternating chunks in one process.
 *   npx tsx bench/train-step.bench.ts [--nets shallow,conv2-relu] [--chunks 7] [--steps 200]
 */
import { parseArgs } from 'node:util';
import * as theano from '../src/index.js';
import { T, RandomState, type SharedVariable, type Variable } from '../src/index.js';
import { loadMnistSplits } from '../examples/network3/mnist.js';

const { values } = parseArgs({
  options: { nets: { type: 'string', default: 'shallow,conv2-relu' }, chunks: { type: 'string', default: '7' }, steps: { type: 'string', default: '200' } },
});
const rng = new RandomState(0);
const bs = 10;
const floatX = (n: number, scale: number) => new Float32Array(rng.normal(0, scale, n));
const param = (shape: number[], scale: number, name: string) =>
  theano.shared(
    theano.ndarray(
      floatX(
        shape.reduce((a, b) => a * b, 1),
        scale,
      ),
      shape,
    ),
    { name },
  );

function fc(input: Variable, nIn: number, nOut: number, act: (z: Variable) => Variable, params: SharedVariable[]): Variable {
  const w = param([nIn, nOut], Math.sqrt(1 / nOut), 'w');
  const b = param([nOut], 1, 'b');
  params.push(w, b);
  return act(T.dot(input, w).mul(1).add(b));
}

function convPool(input: Variable, filter: [number, number, number, number], image: [number, number, number, number], params: SharedVariable[]): Variable {
  const w = param(filter, Math.sqrt(1 / ((filter[0] * filter[2] * filter[3]) / 4)), 'w');
  const b = param([filter[0]], 1, 'b');
  params.push(w, b);
  const conv = T.nnet.conv2d(input.reshape(image), w, { filterShape: filter, inputShape: image });
  const pooled = T.signal.maxPool2d(conv, { ws: [2, 2], ignoreBorder: true });
  return T.maximum(0, pooled.add(b.dimshuffle('x', 0, 'x', 'x')));
}

function build(net: string): { cost: Variable; params: SharedVariable[]; x: Variable; y: Variable; eta: number; lmbda: number } {
  const x = T.matrix('x');
  const y = T.ivector('y');
  const params: SharedVariable[] = [];
  let h: Variable;
  let nIn: number;
  if (net === 'shallow') {
    h = fc(x, 784, 100, (z) => T.nnet.sigmoid(z), params);
    nIn = 100;
  } else {
    const c1 = convPool(x, [20, 1, 5, 5], [bs, 1, 28, 28], params);
    const c2 = convPool(c1, [40, 20, 5, 5], [bs, 20, 12, 12], params);
    h = fc(c2.reshape([bs, 640]), 640, 100, (z) => T.maximum(0, z), params);
    nIn = 100;
  }
  const w = theano.shared(theano.ndarray(new Float32Array(nIn * 10), [nIn, 10]), { name: 'w' });
  const b = theano.shared(theano.ndarray(new Float32Array(10), [10]), { name: 'b' });
  params.push(w, b);
  const p = T.nnet.softmax(T.dot(h, w).add(b));
  const nll = T.mean(T.log(p).get(T.arange(y.shape(0)), y)).neg();
  const lmbda = net === 'shallow' ? 0 : 0.1;
  const l2 = params
    .filter((_, i) => i % 2 === 0)
    .map((q) => q.sqr().sum())
    .reduce((a, c) => a.add(c));
  return { cost: nll.add(l2.mul((0.5 * lmbda) / 5000)), params, x, y, eta: net === 'shallow' ? 0.1 : 0.03, lmbda };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

// Real MNIST images: their zeros matter to the kernels' speed.
const n = 1000;
const { training } = loadMnistSplits({ trainSize: n });
const X = theano.shared(theano.ndarray(training.x, [n, 784]), { name: 'X' });
const Y = theano.shared(theano.ndarray(training.y, [n]), { name: 'Y' });
const chunks = Number(values.chunks);
const steps = Number(values.steps);

for (const net of values.nets!.split(',')) {
  const { cost, params, x, y, eta } = build(net);
  const grads = T.grad(cost, params);
  const i = T.lscalar('i');
  const batch = (v: Variable) => v.get(T.slice(i.mul(bs), i.add(1).mul(bs)));
  const modes = ['FAST_COMPILE', 'FAST_RUN'] as const;
  const fns = modes.map((mode) =>
    theano.function([i], cost, {
      mode,
      updates: params.map((q, k) => [q, q.sub(grads[k]!.mul(eta))] as [SharedVariable, Variable]),
      givens: [
        [x, batch(X)],
        [y, batch(Y)],
      ],
    }),
  );
  // V8 optimizes a step's many small functions over its first few hundred calls: warm each up first (1,000 calls
  // or 10 s), as bench/bench.ts does.
  for (const f of fns) for (let s = 0, t0 = performance.now(); s < 1000 && performance.now() - t0 < 10_000; s++) f(s % (n / bs));
  const times: number[][] = modes.map(() => []);
  const runSteps = net === 'shallow' ? steps : Math.max(10, Math.floor(steps / 10));
  for (let c = 0; c < chunks + 1; c++) {
    fns.forEach((f, m) => {
      const t0 = performance.now();
      for (let s = 0; s < runSteps; s++) f(s % (n / bs));
      if (c > 0) times[m]!.push((performance.now() - t0) / runSteps); // chunk 0 warms up
    });
  }
  const [slow, fast] = times.map(median) as [number, number];
  const kernels = fns.map((f) => f.kernels().length);
  console.log(
    JSON.stringify({
      net,
      batch: bs,
      fastCompileMsPerStep: +slow.toFixed(3),
      fastRunMsPerStep: +fast.toFixed(3),
      speedup: +(slow / fast).toFixed(2),
      kernels: { FAST_COMPILE: kernels[0], FAST_RUN: kernels[1] },
      examplesPerSecond: Math.round((1000 * bs) / fast),
    }),
  );
}
