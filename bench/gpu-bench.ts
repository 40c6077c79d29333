/**
 * The GPU backend against the CPU backend, side by side in one process: training steps of N1 and N3 (`conv2-relu`)
 * at mini-batch 10, matmul 1024 (shared operands on the device, the product read back) and the conv layer of N3.
 * Medians of chunks; writes bench/results/gpu-<date>-<mode>.json. Run by bench/gpu.sh on a machine with a GPU.
 *   npx tsx bench/gpu-bench.ts [--mode webgpu|headlessgl|gpu|webasm|cpu] [--chunks 5] [--min-ms 1500] [--label swiftshader]
 * The label (default: the Vulkan driver file's name, for webgpu) says which renderer ran: software ones are slow.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as theano from '../src/index.js';
import { T, RandomState } from '../src/index.js';
import { loadMnistSplits } from '../examples/network3/mnist.js';
import { trainingStep } from './bench-tsano.js';

const { values } = parseArgs({
  options: {
    mode: { type: 'string', default: 'gpu' },
    label: { type: 'string' },
    chunks: { type: 'string', default: '5' },
    'min-ms': { type: 'string', default: '1500' },
  },
});
const mode = values.mode!;
const chunks = Number(values.chunks);
const minMs = Number(values['min-ms']);
const label = values.label ?? (mode === 'webgpu' ? (process.env.VK_ICD_FILENAMES ?? 'default-vulkan').replace(/^.*\//, '').replace(/\.json$/, '') : '');
theano.config.forceDevice = true; // a bench of the GPU must not quietly time the CPU

type Device = { device: 'cpu' } | { device: 'gpu'; gpuMode: string };
const DEVICES: [string, Device][] = [
  [`gpu.js ${mode}`, { device: 'gpu', gpuMode: mode }],
  ['CPU backend', { device: 'cpu' }],
];

/** Seconds per call: warm-up for minMs (sizes the chunks), then `chunks` chunks; the median. */
async function secondsPerCall(fn: () => Promise<unknown>): Promise<number> {
  await fn();
  let reps = 0;
  for (const t = performance.now(); performance.now() - t < minMs; reps++) await fn();
  const per: number[] = [];
  for (let c = 0; c < chunks; c++) {
    const t = performance.now();
    for (let r = 0; r < reps; r++) await fn();
    per.push((performance.now() - t) / 1e3 / reps);
  }
  per.sort((a, b) => a - b);
  return per[Math.floor(per.length / 2)]!;
}

const n = 2000;
const { training } = loadMnistSplits({ trainSize: n });
const rng = new RandomState(0);
const rows: { workload: string; unit: string; values: number[] }[] = [];
const emit = (workload: string, unit: string, values: number[]) => {
  rows.push({ workload, unit, values });
  console.error(`${workload}: ${values.map((v) => v.toPrecision(4)).join(' | ')} ${unit}`);
};

for (const net of ['N1', 'N3'] as const) {
  const bs = 10;
  const per: number[] = [];
  for (const [, dev] of DEVICES) {
    const X = theano.shared(theano.ndarray(training.x, [n, 784]));
    const Y = theano.shared(theano.ndarray(training.y, [n]));
    const step = trainingStep(net, bs, X, Y, dev);
    let s = 0;
    per.push(bs / (await secondsPerCall(() => step.run(s++ % (n / bs)))));
  }
  emit(`train ${net} (mini-batch 10)`, 'examples/s', per);
}

{
  const size = 1024;
  const per: number[] = [];
  for (const [, dev] of DEVICES) {
    const a = theano.shared(theano.ndarray(new Float32Array(rng.uniform(0, 1, size * size)), [size, size], 'float32'));
    const b = theano.shared(theano.ndarray(new Float32Array(rng.uniform(0, 1, size * size)), [size, size], 'float32'));
    const mm = theano.function([], T.dot(a, b), dev);
    per.push((2 * size ** 3) / (await secondsPerCall(() => mm.run())) / 1e9);
  }
  emit('matmul 1024 (read back)', 'GFLOP/s', per);
}

{
  const per: number[] = [];
  for (const [, dev] of DEVICES) {
    const x = theano.shared(theano.ndarray(new Float32Array(rng.uniform(0, 1, 10 * 20 * 12 * 12)), [10, 20, 12, 12], 'float32'));
    const w = theano.shared(theano.ndarray(new Float32Array(rng.uniform(0, 1, 40 * 20 * 5 * 5)), [40, 20, 5, 5], 'float32'));
    const conv = theano.function([], T.sum(T.nnet.conv2d(x, w)), dev);
    per.push((await secondsPerCall(() => conv.run())) * 1e6);
  }
  emit('conv 10x20x12x12 * 40x20x5x5 (+ sum)', 'µs/call', per);
}

const header = `| workload | ${DEVICES.map(([name]) => name).join(' | ')} | GPU / CPU |`;
const lines = rows.map((r) => {
  const ratio = r.unit === 'µs/call' ? r.values[1]! / r.values[0]! : r.values[0]! / r.values[1]!;
  return `| ${r.workload}, ${r.unit} | ${r.values.map((v) => v.toPrecision(4)).join(' | ')} | ${ratio.toFixed(2)} |`;
});
console.log([header, `|${'---|'.repeat(DEVICES.length + 2)}`, ...lines].join('\n'));
const date = new Date().toISOString().slice(0, 10);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
const out = new URL(`./results/gpu-${date}-${mode}${label ? `-${label}` : ''}.json`, import.meta.url);
writeFileSync(out, `${JSON.stringify({ date, mode, label, node: process.version, chunks, minMs, devices: DEVICES.map(([name]) => name), rows }, null, 2)}\n`);
console.log(`written: ${out.pathname}`);
