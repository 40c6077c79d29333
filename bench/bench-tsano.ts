/**
 * tsano's side of bench/bench.ts: the book's networks N1 ('shallow') and N3 ('conv2-relu', L2 0.1) built as in
 * bench/train-step.bench.ts but for any mini-batch size, plus matmul and the N3 conv layer. Every figure is the median
 * of several timed chunks, after a warm-up; a chunk repeats the call enough times to last at least `minMs`. Training
 * steps warm up for WARM_CALLS calls at least, and their cold start gets a row of its own.
 */
import * as theano from '../src/index.js';
import { T, RandomState, type SharedVariable, type Variable } from '../src/index.js';
import { loadMnistSplits } from '../examples/network3/mnist.js';

export interface Figure {
  workload: string;
  unit: string;
  median: number;
  min: number;
  max: number;
  runs: number;
}

const rng = new RandomState(0);
const param = (shape: number[], scale: number) =>
  theano.shared(
    theano.ndarray(
      new Float32Array(
        rng.normal(
          0,
          scale,
          shape.reduce((a, b) => a * b, 1),
        ),
      ),
      shape,
    ),
  );

function fc(input: Variable, nIn: number, nOut: number, act: (z: Variable) => Variable, params: SharedVariable[]): Variable {
  const w = param([nIn, nOut], Math.sqrt(1 / nOut));
  const b = param([nOut], 1);
  params.push(w, b);
  return act(T.dot(input, w).add(b));
}

function convPool(input: Variable, filter: [number, number, number, number], image: [number, number, number, number], params: SharedVariable[]): Variable {
  const w = param(filter, Math.sqrt(1 / ((filter[0] * filter[2] * filter[3]) / 4)));
  const b = param([filter[0]], 1);
  params.push(w, b);
  const conv = T.nnet.conv2d(input.reshape(image), w, { filterShape: filter, inputShape: image });
  const pooled = T.signal.maxPool2d(conv, { ws: [2, 2], ignoreBorder: true });
  return T.maximum(0, pooled.add(b.dimshuffle('x', 0, 'x', 'x')));
}

const srng = new T.RandomStreams(1234);
/** network3's dropout_layer: the input times a fresh binomial mask (keep 1 - p) on every call. */
const dropout = (v: Variable, p: number) => v.mul(T.cast(srng.binomial({ n: 1, p: 1 - p, size: v.type.shape.map((d, i) => d ?? v.shape(i)) }), 'float32'));

/**
 * N1: FC 784→100 sigmoid → softmax (eta 0.1); N3: two ConvPool ReLU → FC 640→100 ReLU → softmax (eta 0.03, L2 0.1);
 * N4: N3 with FC 640→1000 → FC 1000→1000 → softmax, dropout 0.5 on the inputs of all three (training only).
 */
export function build(net: 'N1' | 'N3' | 'N4', bs: number, training = true) {
  const x = T.matrix('x');
  const y = T.ivector('y');
  const params: SharedVariable[] = [];
  let h: Variable;
  let nIn = 100;
  const drop = (v: Variable) => (net === 'N4' && training ? dropout(v, 0.5) : v);
  if (net === 'N1') h = fc(x, 784, 100, (z) => T.nnet.sigmoid(z), params);
  else {
    const c1 = convPool(x, [20, 1, 5, 5], [bs, 1, 28, 28], params);
    const c2 = convPool(c1, [40, 20, 5, 5], [bs, 20, 12, 12], params);
    if (net === 'N3') h = fc(c2.reshape([bs, 640]), 640, 100, (z) => T.maximum(0, z), params);
    else {
      const h1 = fc(drop(c2.reshape([bs, 640])), 640, 1000, (z) => T.maximum(0, z), params);
      h = fc(drop(h1), 1000, 1000, (z) => T.maximum(0, z), params);
      nIn = 1000;
    }
  }
  const w = theano.shared(theano.ndarray(new Float32Array(nIn * 10), [nIn, 10]));
  const b = theano.shared(theano.ndarray(new Float32Array(10), [10]));
  params.push(w, b);
  const p = T.nnet.softmax(T.dot(drop(h), w).add(b));
  const nll = T.mean(T.log(p).get(T.arange(y.shape(0)), y)).neg();
  const lmbda = net === 'N1' ? 0 : 0.1;
  const l2 = params
    .filter((_, i) => i % 2 === 0)
    .map((q) => q.sqr().sum())
    .reduce((a, c) => a.add(c));
  const nBatches = 50000 / bs;
  return { x, y, p, params, cost: nll.add(l2.mul((0.5 * lmbda) / nBatches)), eta: net === 'N1' ? 0.1 : 0.03 };
}

/** SGD on mini-batch i of the images X and labels Y (shared): the cost out, the updates applied. */
export function trainingStep(net: 'N1' | 'N3' | 'N4', bs: number, X: SharedVariable, Y: SharedVariable, fnOptions: theano.FunctionOptions = {}) {
  const i = T.lscalar('i');
  const { x, y, params, cost, eta } = build(net, bs);
  const grads = T.grad(cost, params);
  const batch = (v: Variable) => v.get(T.slice(i.mul(bs), i.add(1).mul(bs)));
  return theano.function([i], cost, {
    ...fnOptions,
    updates: params.map((q, k) => [q, q.sub(grads[k]!.mul(eta))] as [SharedVariable, Variable]),
    givens: [
      [x, batch(X)],
      [y, batch(Y)],
    ],
  });
}

/** Median, min, max and count of some measurements. */
export function figureOf(xs: number[]): Omit<Figure, 'workload' | 'unit'> {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length;
  const median = m % 2 ? s[(m - 1) / 2]! : (s[m / 2 - 1]! + s[m / 2]!) / 2;
  return { median, min: s[0]!, max: s[m - 1]!, runs: m };
}

/**
 * Calls a training step's warm-up runs at least (or for 20 s): V8 optimizes a step's many small functions over its
 * first few hundred calls, compiling on the second core (where our worker thread runs), and until then a step runs
 * up to 2× slower. The bench reports that cold start as a row of its own.
 */
const WARM_CALLS = 1000;

/**
 * Seconds per call of `fn`: a warm-up of at least `warmCalls` calls and `minMs` (which also sizes the chunks), then
 * `chunks` chunks of that many calls; and the warm-up's own seconds per call.
 */
function secondsPerCall(fn: () => void, chunks: number, minMs: number, warmCalls = 0): { perCall: number[]; warmUp: number; reps: number } {
  const start = performance.now();
  fn(); // the first call may compile
  let warm = 1;
  for (; warm < warmCalls && performance.now() - start < 20_000; warm++) fn();
  const warmUp = (performance.now() - start) / 1e3 / warm;
  let reps = 0;
  for (const t = performance.now(); performance.now() - t < minMs; reps++) fn();
  return { perCall: timeChunks(fn, chunks, reps), warmUp, reps };
}

/** Seconds per call in each of `chunks` chunks of `reps` calls. */
function timeChunks(fn: () => void, chunks: number, reps: number): number[] {
  const out: number[] = [];
  for (let c = 0; c < chunks; c++) {
    const t = performance.now();
    for (let r = 0; r < reps; r++) fn();
    out.push((performance.now() - t) / 1e3 / reps);
  }
  return out;
}

/** Training throughput in rounds that can interleave with a peer's: each (net, batch) step compiled and warmed once. */
export function trainingRounds(batches: number[]) {
  // Real MNIST images (their zeros matter to the kernels' speed), cycled through in order.
  const n = 5000;
  const { training } = loadMnistSplits({ trainSize: n });
  const X = theano.shared(theano.ndarray(training.x, [n, 784]));
  const Y = theano.shared(theano.ndarray(training.y, [n]));
  const steps = batches.flatMap((bs) =>
    (['N1', 'N3', 'N4'] as const).map((net) => {
      const step = trainingStep(net, bs, X, Y);
      let s = 0;
      return { key: `train ${net} b${bs}`, bs, call: () => step(s++ % Math.floor(n / bs)), reps: 0 };
    }),
  );
  return {
    /** Warms every step up (WARM_CALLS calls, then `minMs` to size its chunks); the cold starts, in examples/s. */
    warm(minMs: number): Map<string, number> {
      return new Map(
        steps.map((st) => {
          const { reps, warmUp } = secondsPerCall(st.call, 0, minMs, WARM_CALLS);
          st.reps = reps;
          return [`${st.key}, cold: its first ${WARM_CALLS} steps`, st.bs / warmUp];
        }),
      );
    },
    /** One round: `chunks` timed chunks per step, in examples/s. */
    round(chunks: number): Map<string, number[]> {
      return new Map(steps.map((st) => [st.key, timeChunks(st.call, chunks, st.reps).map((t) => st.bs / t)]));
    },
  };
}

export function runTsano(opts: { batches: number[]; chunks: number; minMs: number; training?: boolean; log?: (f: Figure) => void }): Figure[] {
  const figures: Figure[] = [];
  const emit = (workload: string, unit: string, values: number[]) => {
    const f = { workload, unit, ...figureOf(values) };
    figures.push(f);
    opts.log?.(f);
  };
  const time = (fn: () => void) => secondsPerCall(fn, opts.chunks, opts.minMs).perCall;
  const n = 5000;
  const { training } = loadMnistSplits({ trainSize: n });
  const X = theano.shared(theano.ndarray(training.x, [n, 784]));
  const i = T.lscalar('i');

  if (opts.training !== false) {
    const rounds = trainingRounds(opts.batches);
    const cold = rounds.warm(opts.minMs);
    for (const [key, values] of rounds.round(opts.chunks)) {
      emit(key, 'examples/s', values);
      const coldKey = [...cold.keys()].find((c) => c.startsWith(`${key},`))!;
      emit(coldKey, 'examples/s', [cold.get(coldKey)!]);
    }
  }

  {
    const bs = 1000;
    const { x, p } = build('N3', bs, false);
    const infer = theano.function([i], p, { givens: [[x, X.get(T.slice(i.mul(bs), i.add(1).mul(bs)))]] });
    let s = 0;
    emit(
      'infer N3 b1000',
      'examples/s',
      time(() => infer(s++ % (n / bs))).map((t) => bs / t),
    );
  }

  for (const size of [256, 1024]) {
    const a = T.fmatrix('a');
    const b = T.fmatrix('b');
    const mm = theano.function([a, b], T.dot(a, b));
    const av = theano.ndarray(new Float32Array(rng.uniform(0, 1, size * size)), [size, size], 'float32');
    const bv = theano.ndarray(new Float32Array(rng.uniform(0, 1, size * size)), [size, size], 'float32');
    emit(
      `matmul n=${size}`,
      'GFLOP/s',
      time(() => mm(av, bv)).map((t) => (2 * size ** 3) / t / 1e9),
    );
  }

  {
    const x = T.ftensor4('x');
    const w = T.ftensor4('w');
    const conv = theano.function([x, w], T.nnet.conv2d(x, w));
    const xv = theano.ndarray(new Float32Array(rng.uniform(0, 1, 10 * 20 * 12 * 12)), [10, 20, 12, 12], 'float32');
    const wv = theano.ndarray(new Float32Array(rng.uniform(0, 1, 40 * 20 * 5 * 5)), [40, 20, 5, 5], 'float32');
    emit(
      'conv 10x20x12x12 * 40x20x5x5',
      'µs/call',
      time(() => conv(xv, wv)).map((t) => t * 1e6),
    );
  }
  return figures;
}
