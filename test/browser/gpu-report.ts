/** What the browser GPU page (gpu-page.ts) reports to `globalThis.__tsanoGpu`, read by gpu-ops.test.ts. */

/** The gpu.js mode the page tests: WebGL2 is what a browser has that Node's tiers (headlessgl, webgpu) do not test. */
export const GPU_PAGE_MODE = 'webgl2';

export interface GpuPageReport {
  /** Set last: everything below is final. */
  done: boolean;
  mode: string;
  /** The WebGL2 context's version and renderer (SwiftShader in headless Chromium). */
  renderer?: string;
  /** Per case name: null when it passed, else checkCase's message. */
  cases: Record<string, string | null>;
  /** Cases left out on this mode (exactSpecials: GLSL leaves NaN and infinities to the driver). */
  skipped: string[];
  /** The compiled training step against the CPU: null when it matched, else what differed. */
  compiledFunction?: string | null;
  /** How many of the compiled step's kernels ran on the GPU and how many on the host. */
  functionKernels?: { gpu: number; host: number };
  /** What is running now (a case name, 'setup', 'compiled function'); a timeout names it. */
  current?: string;
  /** A failure outside the cases (no WebGL2, the device did not start): every test fails with it. */
  error?: string;
}
