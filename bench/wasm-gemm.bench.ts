/**
 * WebAssembly SIMD GEMM (src/codegen/wasm) against the JS kernel of src/ops/gemm-kernel.ts, float32, one thread, on
 * network3's shapes at mini-batch 10 and two square ones. Kernels are generated first, then warmed up (binaryen is
 * itself a wasm module that V8 keeps optimizing in the background for a while); each sample times enough calls for
 * a few ms; the median GFLOP/s (2 flops per multiply-add) of each is printed side by side. The wasm time includes
 * copying operands into its memory and C back out.
 *
 *   npx tsx bench/wasm-gemm.bench.ts [samples]
 *
 * (Under tsx, importing binaryen takes ~6 s: tsx's loader scans its 14 MB index.js. Plain node takes ~0.3 s.)
 */
import { gemmKernel } from '../src/ops/gemm-kernel.js';
import { createWasmGemm, wasmSimdAvailable, type WasmGemmCall } from '../src/codegen/wasm/gemm.js';

const samples = Number(process.argv[2] ?? 15);

function rand(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 4294967296 - 0.5;
  }
  return out;
}

/** Median and best seconds per call; each sample repeats the call to last at least ~3 ms. */
function time(fn: () => void, count = samples): { median: number; best: number } {
  let reps = 1;
  for (;;) {
    const t = performance.now();
    for (let r = 0; r < reps; r++) fn();
    if (performance.now() - t > 3 || reps >= 1 << 16) break;
    reps *= 2;
  }
  const per: number[] = [];
  for (let s = 0; s < count; s++) {
    const t = performance.now();
    for (let r = 0; r < reps; r++) fn();
    per.push((performance.now() - t) / 1e3 / reps);
  }
  per.sort((a, b) => a - b);
  return { median: per[per.length >> 1]!, best: per[0]! };
}

interface Shape {
  name: string;
  m: number;
  n: number;
  k: number;
  transA?: boolean;
  transB?: boolean;
}
const shapes: Shape[] = [
  { name: 'FC forward 10×784 · 784×100', m: 10, n: 100, k: 784 },
  { name: 'FC dW (10×784)ᵀ · 10×100', m: 784, n: 100, k: 10, transA: true },
  { name: 'FC dX 10×100 · (784×100)ᵀ', m: 10, n: 784, k: 100, transB: true },
  { name: 'conv as GEMM 40×500 · 500×64', m: 40, n: 64, k: 500 },
  { name: '256³', m: 256, n: 256, k: 256 },
  { name: '1024³', m: 1024, n: 1024, k: 1024 },
];

if (!wasmSimdAvailable()) {
  console.log('WebAssembly SIMD is not available here');
  process.exit(0);
}

const t0 = performance.now();
const wasm = await createWasmGemm();
console.log(`wasm gemm module built and compiled in ${(performance.now() - t0).toFixed(0)} ms (binaryen load included)`);

const cases = shapes.map((s) => {
  const { m, n, k, transA = false, transB = false } = s;
  const A = rand(m * k, 1);
  const B = rand(k * n, 2);
  const C = new Float32Array(m * n);
  const js = gemmKernel({ transA, transB, accumulate: false, types: 'Float32Array,Float32Array,Float32Array,Float32Array', float32: true }).fn;
  const acc = new Float64Array(n);
  const call: WasmGemmCall = { transA, transB };
  return {
    ...s,
    runJs: () => js(m, n, k, A, B, null, 0, 0, C, 1, 0, acc, false),
    runWasm: (packB: boolean | 'auto' = 'auto') => wasm.gemm(m, n, k, A, B, C, { ...call, packB }),
  };
});

// Warm-up after generating every kernel: a second of calls of each small case, one of each large.
const warmUntil = performance.now() + 1500;
while (performance.now() < warmUntil) {
  for (const c of cases) {
    if (c.m * c.n * c.k > 1e7) continue;
    c.runJs();
    c.runWasm();
  }
}
for (const c of cases) {
  c.runJs();
  c.runWasm();
}

const gflops = (c: Shape, seconds: number) => (2 * c.m * c.n * c.k) / seconds / 1e9;
const pad = (s: string, w: number) => s.padEnd(w);
const num = (x: number, w = 8) => x.toFixed(1).padStart(w);
console.log(`\nfloat32 GEMM, one thread, median of ${samples} samples (GFLOP/s; µs per call)`);
console.log(
  `${pad('shape', 32)}${'JS'.padStart(8)}${'wasm'.padStart(8)}${'×'.padStart(7)}${'JS µs'.padStart(11)}${'wasm µs'.padStart(10)}${'packed'.padStart(9)}${'unpacked'.padStart(10)}`,
);
for (const c of cases) {
  const big = c.m * c.n * c.k > 1e8;
  const js = time(c.runJs, big ? 3 : samples);
  const wa = time(() => c.runWasm());
  const packed = time(() => c.runWasm(true));
  const unpacked = c.transB ? undefined : time(() => c.runWasm(false));
  console.log(
    `${pad(c.name, 32)}${num(gflops(c, js.median))}${num(gflops(c, wa.median))}${num(js.median / wa.median, 7)}${num(js.median * 1e6, 11)}${num(wa.median * 1e6, 10)}${num(gflops(c, packed.median), 9)}${unpacked ? num(gflops(c, unpacked.median), 10) : '       n/a'}`,
  );
}
console.log('\n(packed / unpacked: wasm with B always / never packed into panels; "wasm" packs when transB or m ≥ 64)');
