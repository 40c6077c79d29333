/**
 * Worker threads for the wasm kernels: each worker instantiates the same module on the same shared memory and runs
 * lists of kernel calls that the main thread records for it. Hand-off is a spin barrier on shared counters (waking
 * a sleeping thread costs ~50 µs here, spinning well under 1 µs); a worker sleeps only after ~2 ms without work.
 * Node only (worker_threads, reached without a static import so that browser bundles load this file).
 */
import type { WasmMemory, WasmModule } from './detect.js';

/** Multiply-adds (or the like) a thread should get at least for a split to pay: a hand-off costs ~1–2 µs. */
export const MIN_WORK_PER_THREAD = 1_000_000;

/** The module's kernels a worker can run, by index in recorded lists. */
export const KERNEL_NAMES = ['strip', 'stripEdge', 'packB', 'packBT4', 'packBTScalar', 'convRows', 'im2colTaps', 'col2imTaps'] as const;
export type KernelName = (typeof KERNEL_NAMES)[number];
export type KernelCalls = Record<KernelName, (...args: number[]) => void>;

/** Doubles per worker's call list (2 MB): a longer list is run in parts. */
const LIST_CAPACITY = 1 << 18;
const [POSTED, DONE, LENGTH, FAILED, CLAIMED, RUN_BY_WORKER] = [0, 1, 2, 3, 4, 5];

/**
 * Runs a recorded list: records [kernel, nargs, ...args]. Self-contained (no outer names): its source is also
 * the worker's copy.
 */
function runList(kernels: ((...a: number[]) => void)[], a: Float64Array, end: number): void {
  for (let p = 0; p < end;) {
    const f = kernels[a[p]!]!;
    const n = a[p + 1]!;
    const q = p + 2;
    if (n === 11) f(a[q]!, a[q + 1]!, a[q + 2]!, a[q + 3]!, a[q + 4]!, a[q + 5]!, a[q + 6]!, a[q + 7]!, a[q + 8]!, a[q + 9]!, a[q + 10]!);
    else if (n === 12) f(a[q]!, a[q + 1]!, a[q + 2]!, a[q + 3]!, a[q + 4]!, a[q + 5]!, a[q + 6]!, a[q + 7]!, a[q + 8]!, a[q + 9]!, a[q + 10]!, a[q + 11]!);
    else f(...a.subarray(q, q + n));
    p = q + n;
  }
}

interface NodeWorker {
  on(event: 'error', listener: (e: unknown) => void): void;
  unref(): void;
  terminate(): Promise<number>;
}
type WorkerCtor = new (src: string, opts: { eval: true; workerData: unknown }) => NodeWorker;

function workerThreads(): WorkerCtor | undefined {
  const get = typeof process !== 'undefined' ? (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule : undefined;
  try {
    return (get?.('node:worker_threads') as { Worker?: WorkerCtor } | undefined)?.Worker;
  } catch {
    return undefined;
  }
}

// The worker: plain CommonJS, evaluated by worker_threads. A list goes to whichever of the worker and the main
// thread claims it first (CLAIMED), so that a worker the OS has not scheduled yet never holds the main thread up.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, control, list, names } = workerData;
const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
const kernels = names.map((n) => exports[n]);
const ctl = new Int32Array(control);
const calls = new Float64Array(list);
const runList = ${runList.toString()};
let seen = 0;
for (;;) {
  let idle = performance.now();
  for (let spins = 0; Atomics.load(ctl, ${POSTED}) === seen; spins++) {
    if ((spins & 1023) === 1023 && performance.now() - idle > 2) {
      Atomics.wait(ctl, ${POSTED}, seen);
      idle = performance.now();
    }
  }
  seen = Atomics.load(ctl, ${POSTED});
  if (Atomics.compareExchange(ctl, ${CLAIMED}, seen - 1, seen) !== seen - 1) continue;
  try {
    runList(kernels, calls, Atomics.load(ctl, ${LENGTH}));
  } catch (e) {
    Atomics.store(ctl, ${FAILED}, 1);
  }
  Atomics.add(ctl, ${RUN_BY_WORKER}, 1);
  Atomics.store(ctl, ${DONE}, seen);
  Atomics.notify(ctl, ${DONE});
}
`;

interface Worker {
  ctl: Int32Array;
  list: Float64Array;
  length: number;
  failed: string | undefined;
}

/** A team of worker threads over one module and memory; thread 0 is the caller. */
export class WorkerTeam {
  private readonly workers: Worker[] = [];
  private readonly Ctor = workerThreads();

  constructor(
    private readonly module: WasmModule,
    private readonly memory: WasmMemory,
    /** The kernels on this thread, for lists it takes over. */
    private readonly direct: KernelCalls,
  ) {}

  /** Whether worker threads can be started here at all. */
  static supported(): boolean {
    return workerThreads() !== undefined;
  }

  /** Starts workers until there are `n` (as far as the engine allows); returns how many threads there are in all. */
  ensure(n: number): number {
    while (this.Ctor && this.workers.length < n) {
      const control = new SharedArrayBuffer(64);
      const list = new SharedArrayBuffer(8 * LIST_CAPACITY);
      const w: Worker = { ctl: new Int32Array(control), list: new Float64Array(list), length: 0, failed: undefined };
      const thread = new this.Ctor(WORKER_SOURCE, {
        eval: true,
        workerData: { module: this.module, memory: this.memory, control, list, names: KERNEL_NAMES },
      });
      thread.on('error', (e) => {
        w.failed = String(e);
      });
      thread.unref();
      this.workers.push(w);
    }
    return 1 + Math.min(n, this.workers.length);
  }

  /** How many lists the workers (not this thread) have run: a diagnostic. */
  listsRunByWorkers(): number {
    return this.workers.reduce((n, w) => n + Atomics.load(w.ctl, RUN_BY_WORKER), 0);
  }

  /** Records calls into worker `i`'s list; a full list is run (and waited for) before recording goes on. */
  recorder(i: number): KernelCalls {
    return (this.recorders[i] ??= this.makeRecorder(i));
  }

  private readonly recorders: KernelCalls[] = [];

  private makeRecorder(i: number): KernelCalls {
    const w = this.workers[i]!;
    const record =
      (kernel: number) =>
      (...args: number[]): void => {
        if (w.length + 2 + args.length > LIST_CAPACITY) {
          this.post(i);
          this.wait(i);
        }
        w.list[w.length] = kernel;
        w.list[w.length + 1] = args.length;
        w.list.set(args, w.length + 2);
        w.length += 2 + args.length;
      };
    return Object.fromEntries(KERNEL_NAMES.map((name, k) => [name, record(k)])) as KernelCalls;
  }

  /** Hands worker `i` its recorded list. */
  post(i: number): void {
    const w = this.workers[i]!;
    Atomics.store(w.ctl, LENGTH, w.length);
    Atomics.add(w.ctl, POSTED, 1);
    Atomics.notify(w.ctl, POSTED);
  }

  /**
   * Returns once worker `i`'s list has run: by this thread if the worker has not started it yet, else by spinning
   * (then sleeping) until the worker is done. Errors in the worker surface here.
   */
  wait(i: number): void {
    const w = this.workers[i]!;
    const target = Atomics.load(w.ctl, POSTED);
    if (Atomics.compareExchange(w.ctl, CLAIMED, target - 1, target) === target - 1) {
      runList(
        KERNEL_NAMES.map((n) => this.direct[n]),
        w.list,
        w.length,
      );
      Atomics.store(w.ctl, DONE, target);
    }
    for (let spins = 0; Atomics.load(w.ctl, DONE) !== target; spins++) {
      if (spins > 20_000) Atomics.wait(w.ctl, DONE, Atomics.load(w.ctl, DONE), 1);
      if (w.failed) throw new Error(`wasm worker thread ${i + 1} died: ${w.failed}`);
    }
    w.length = 0;
    if (Atomics.exchange(w.ctl, FAILED, 0)) throw new Error(`wasm worker thread ${i + 1}: a kernel trapped`);
  }
}
