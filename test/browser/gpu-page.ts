/**
 * The browser GPU tier's page script (bundled by gpu-serve.ts, run by gpu-ops.test.ts in Chromium): every GPU op case
 * on gpu.js's webgl2 mode through the same browser-safe checkCase as the Node tiers, then one compiled training step
 * with device 'gpu' against the same function on the CPU. The results go to `globalThis.__tsanoGpu` (GpuPageReport);
 * `done` is set last. No DOM library types here: the repository's tsconfig has none.
 */
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';
import { GpuDevice } from '../../src/codegen/gpu/device.js';
import type { NDArray } from '../../src/ir/ndarray.js';
import { ALL_GPU_CASES } from '../gpu/cases/index.js';
import { checkCase, exactSpecialsOn, firstMismatch } from '../gpu/check-case.js';
import { GPU_PAGE_MODE, type GpuPageReport } from './gpu-report.js';

const report: GpuPageReport = { done: false, mode: GPU_PAGE_MODE, cases: {}, skipped: [], current: 'setup' };
(globalThis as { __tsanoGpu?: GpuPageReport }).__tsanoGpu = report;

const describeError = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

/** What the page's WebGL2 context runs on (SwiftShader in headless Chromium), or why there is none. */
function webgl2Renderer(): string {
  interface Gl {
    VERSION: number;
    RENDERER: number;
    getParameter(p: number): unknown;
    getExtension(name: 'WEBGL_debug_renderer_info'): { UNMASKED_RENDERER_WEBGL: number } | null;
  }
  const doc = (globalThis as unknown as { document: { createElement(tag: 'canvas'): { getContext(kind: 'webgl2'): Gl | null } } }).document;
  const gl = doc.createElement('canvas').getContext('webgl2');
  if (!gl) throw new Error('this browser gives no WebGL2 context (headless Chromium needs SwiftShader: see gpu-ops.test.ts for the flags)');
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  return `${String(gl.getParameter(gl.VERSION))}; ${String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER))}`;
}

/** Deterministic values in [lo, hi) (a small LCG): both functions see the same data. */
function uniform(n: number, seed: number, lo: number, hi: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + ((hi - lo) * s) / 2 ** 32;
  });
}

const BATCH = 16;
const FEATURES = 24;
const CLASSES = 5;
const STEPS = 4;

/** A softmax regression training step (network3's cost, gradient-descent updates of w and b) on one device. */
function trainingStep(device: 'cpu' | 'gpu') {
  const x = T.fmatrix('x');
  const y = T.ivector('y');
  const w = theano.shared(theano.ndarray(uniform(FEATURES * CLASSES, 7, -0.1, 0.1), [FEATURES, CLASSES]), { name: 'w' });
  const b = theano.shared(theano.ndarray(new Float32Array(CLASSES), [CLASSES]), { name: 'b' });
  const p = T.nnet.softmax(T.dot(x, w).add(b));
  const cost = T.mean(T.log(p).get(T.arange(y.shape(0)), y)).neg();
  const [gw, gb] = T.grad(cost, [w, b]);
  const f = theano.function([x, y], [cost, p], {
    updates: [
      [w, w.sub(gw.mul(0.5))],
      [b, b.sub(gb.mul(0.5))],
    ],
    device,
    gpuMode: GPU_PAGE_MODE,
  });
  return { f, w, b };
}

/** Undefined when `STEPS` calls of the step on the GPU give the CPU's costs, probabilities and parameters. */
async function checkCompiledFunction(): Promise<string | undefined> {
  // A mode that cannot start must be an error here, not a silent run on the CPU.
  theano.config.forceDevice = true;
  const gpu = trainingStep('gpu');
  const cpu = trainingStep('cpu');
  const rtol = 1e-4;
  const atol = 1e-5;
  const compare = (what: string, got: NDArray, expected: NDArray) => {
    const m = firstMismatch(got, expected, rtol, atol);
    return m && `${what}: ${m}`;
  };
  for (let step = 0; step < STEPS; step++) {
    const x = theano.ndarray(uniform(BATCH * FEATURES, 100 + step, 0, 1), [BATCH, FEATURES]);
    const y = theano.ndarray(Int32Array.from({ length: BATCH }, (_, i) => (i * 3 + step) % CLASSES));
    const [gotCost, gotP] = await gpu.f.run(x, y);
    const [cost, p] = await cpu.f.run(x, y);
    const m = compare(`call ${step} cost`, gotCost, cost) ?? compare(`call ${step} softmax`, gotP, p);
    if (m) return m;
  }
  const m = compare(`w after ${STEPS} calls`, gpu.w.getValue(), cpu.w.getValue()) ?? compare(`b after ${STEPS} calls`, gpu.b.getValue(), cpu.b.getValue());
  if (m) return m;
  const kernels = gpu.f.kernels();
  const onGpu = kernels.filter((k) => k.backend === `gpu:${GPU_PAGE_MODE}`);
  report.functionKernels = { gpu: onGpu.length, host: kernels.length - onGpu.length };
  if (onGpu.length === 0) return `no kernel ran on gpu:${GPU_PAGE_MODE}: ${kernels.map((k) => `${k.name} (${k.backend})`).join(', ')}`;
  // WebGL2's GLSL, as compiled by gpu.js: the kernels really are fragment shaders of this context.
  if (!onGpu.some((k) => k.source.includes('#version 300 es'))) return `the gpu:${GPU_PAGE_MODE} kernels are not GLSL ES 3.00 shaders`;
  return undefined;
}

async function main(): Promise<void> {
  report.renderer = webgl2Renderer();
  const device = new GpuDevice(GPU_PAGE_MODE);
  await device.prepare();
  if (device.mode !== GPU_PAGE_MODE) throw new Error(`GpuDevice('${GPU_PAGE_MODE}') started as '${device.mode}'`);
  for (const c of ALL_GPU_CASES) {
    if (c.exactSpecials && !exactSpecialsOn(GPU_PAGE_MODE)) {
      report.skipped.push(c.name);
      continue;
    }
    report.current = c.name;
    report.cases[c.name] = (await checkCase(device, c)) ?? null;
    // The synchronous modes never leave the microtask queue: let the test's polling see the progress.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  report.current = 'compiled function';
  report.compiledFunction = (await checkCompiledFunction()) ?? null;
}

main()
  .catch((e: unknown) => {
    report.error = `${describeError(e)} (during ${report.current})`;
  })
  .finally(() => {
    report.current = undefined;
    report.done = true;
  });
