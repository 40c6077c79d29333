/**
 * Worker threads for the wasm kernels: each worker instantiates the same module on the same shared memory and runs
 * parts (lists of kernel calls) that the calling thread records; whichever thread claims a part first runs it.
 * Workers spin on shared counters for new work (waking a sleeping thread costs ~50 µs here, spinning well under
 * 1 µs) and sleep only after ~2 ms without any. Node only (worker_threads, reached without a static import so that
 * browser bundles load this file).
 */
import type { WasmMemory, WasmModule } from './detect.js';

/**
 * Multiply-adds (or the like) a thread should get at least for a split to pay: recording a part and handing it over
 * cost a few µs (N1's 10×784×100 products ran slower on two threads at 200k).
 */
export const MIN_WORK_PER_THREAD = 1_000_000;

/** The module's kernels a worker can run, by index in recorded lists. */
export const KERNEL_NAMES = ['strip', 'stripEdge', 'packB', 'packBT4', 'packBTScalar', 'convRows', 'im2colTaps', 'col2imTaps', 'sparseTaps'] as const;
export type KernelName = (typeof KERNEL_NAMES)[number];
export type KernelCalls = Record<KernelName, (...args: number[]) => void>;

/** Doubles in the call lists of one parallel section (4 MB): a longer section runs its parts as they fill up. */
const LIST_CAPACITY = 1 << 19;
/** How long the calling thread spins for the workers to finish a section before it sleeps. */
const SPIN_MS = 2;
/** The most parts one section has. */
export const MAX_PARTS = 8;
// Control words. CLAIM holds generation · 256 + the next unclaimed part, so that a thread still in an earlier
// section can never take a part of a later one.
const [GEN, CLAIM, DONE, PARTS, FAILED, RUN_BY_WORKERS] = [0, 1, 2, 3, 4, 5];
const STARTS = 8; // ctl[STARTS + p]: where part p's calls begin; ctl[STARTS + parts]: where the last ends

/**
 * Runs recorded calls: records [kernel, nargs, ...args] from `begin` to `end`. Self-contained (no outer names):
 * its source is also the worker's copy. Each kernel has its own call site (in KERNEL_NAMES order): a call site that
 * sees one wasm function calls it through a fast wrapper, one that sees many (or spreads a subarray) through a
 * generic one, which cost a worker ~0.5 µs per call.
 */
function runList(kernels: ((...a: number[]) => void)[], a: Float64Array, begin: number, end: number): void {
  const [strip, stripEdge, packB, packBT4, packBTScalar, convRows, im2colTaps, col2imTaps, sparseTaps] = kernels as [
    (...a: number[]) => void,
    ...((...a: number[]) => void)[],
  ];
  for (let p = begin; p < end;) {
    const kernel = a[p]!;
    const n = a[p + 1]!;
    const q = p + 2;
    if (kernel === 0) strip(a[q]!, a[q + 1]!, a[q + 2]!, a[q + 3]!, a[q + 4]!, a[q + 5]!, a[q + 6]!, a[q + 7]!, a[q + 8]!, a[q + 9]!, a[q + 10]!, a[q + 11]!);
    else if (kernel === 1)
      stripEdge!(
        a[q]!,
        a[q + 1]!,
        a[q + 2]!,
        a[q + 3]!,
        a[q + 4]!,
        a[q + 5]!,
        a[q + 6]!,
        a[q + 7]!,
        a[q + 8]!,
        a[q + 9]!,
        a[q + 10]!,
        a[q + 11]!,
        a[q + 12]!,
        a[q + 13]!,
      );
    else if (kernel === 2) packB!(a[q]!, a[q + 1]!, a[q + 2]!, a[q + 3]!, a[q + 4]!);
    else if (kernel === 3) packBT4!(a[q]!, a[q + 1]!, a[q + 2]!, a[q + 3]!, a[q + 4]!);
    else if (kernel === 4) packBTScalar!(a[q]!, a[q + 1]!, a[q + 2]!, a[q + 3]!, a[q + 4]!, a[q + 5]!, a[q + 6]!);
    else if (kernel === 5) convRows!(a[q]!, a[q + 1]!, a[q + 2]!, a[q + 3]!, a[q + 4]!, a[q + 5]!, a[q + 6]!, a[q + 7]!, a[q + 8]!, a[q + 9]!, a[q + 10]!);
    else if (kernel === 6) im2colTaps!(a[q]!, a[q + 1]!, a[q + 2]!, a[q + 3]!, a[q + 4]!, a[q + 5]!, a[q + 6]!, a[q + 7]!, a[q + 8]!, a[q + 9]!);
    else if (kernel === 7) col2imTaps!(a[q]!, a[q + 1]!, a[q + 2]!, a[q + 3]!, a[q + 4]!, a[q + 5]!, a[q + 6]!, a[q + 7]!, a[q + 8]!, a[q + 9]!);
    else if (kernel === 8) sparseTaps!(a[q]!, a[q + 1]!, a[q + 2]!, a[q + 3]!, a[q + 4]!, a[q + 5]!);
    else kernels[kernel]!(...a.subarray(q, q + n));
    p = q + n;
  }
}

/**
 * Claims parts of section `gen` one at a time (compare-and-swap on CLAIM) and runs them; returns how many it ran.
 * Self-contained, as runList.
 */
function claimParts(ctl: Int32Array, gen: number, run: (part: number) => void): number {
  let ran = 0;
  for (;;) {
    const word = Atomics.load(ctl, 1);
    if (word >>> 8 !== (gen & 0xffffff) || (word & 255) >= Atomics.load(ctl, 3)) return ran;
    if (Atomics.compareExchange(ctl, 1, word, word + 1) !== word) continue;
    try {
      run(word & 255);
    } catch {
      Atomics.store(ctl, 4, 1);
    }
    ran++;
    Atomics.add(ctl, 2, 1);
    Atomics.notify(ctl, 2);
  }
}

interface NodeWorker {
  on(event: 'error', listener: (e: unknown) => void): void;
  unref(): void;
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

// The worker: plain CommonJS, evaluated by worker_threads. It waits for a new section (spinning, then sleeping after
// ~2 ms without one), then claims parts until none is left. The calling thread claims parts too, so a worker the OS
// has not scheduled never holds a section up for longer than one part.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, control, list, names } = workerData;
const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
const kernels = names.map((n) => exports[n]);
const ctl = new Int32Array(control);
const calls = new Float64Array(list);
const runList = ${runList.toString()};
const claimParts = ${claimParts.toString()};
const runPart = (p) => runList(kernels, calls, ctl[${STARTS} + p], ctl[${STARTS} + p + 1]);
let seen = Atomics.load(ctl, ${GEN});
for (;;) {
  let idle = performance.now();
  for (let spins = 0; Atomics.load(ctl, ${GEN}) === seen; spins++) {
    if ((spins & 1023) === 1023 && performance.now() - idle > 2) {
      Atomics.wait(ctl, ${GEN}, seen);
      idle = performance.now();
    }
  }
  seen = Atomics.load(ctl, ${GEN});
  Atomics.add(ctl, ${RUN_BY_WORKERS}, claimParts(ctl, seen, runPart));
}
`;

/**
 * Worker threads over one module and memory. A parallel section is a set of parts (independent lists of kernel
 * calls the calling thread records); the calling thread and the workers claim them from one queue.
 */
export class WorkerTeam {
  private readonly Ctor = workerThreads();
  private readonly control = new SharedArrayBuffer(4 * (STARTS + MAX_PARTS + 1));
  private readonly ctl = new Int32Array(this.control);
  private readonly list = new Float64Array(new SharedArrayBuffer(8 * LIST_CAPACITY));
  private workers = 0;
  private failed: string | undefined;
  private length = 0;
  private parts = 0;
  private readonly recorderCalls: KernelCalls;
  private readonly directCalls: ((...a: number[]) => void)[];

  constructor(
    private readonly module: WasmModule,
    private readonly memory: WasmMemory,
    /** The kernels on this thread, for the parts it runs. */
    direct: KernelCalls,
  ) {
    this.directCalls = KERNEL_NAMES.map((n) => direct[n]);
    const record =
      (kernel: number) =>
      (...args: number[]): void => {
        if (this.length + 2 + args.length > LIST_CAPACITY) this.flush();
        this.list[this.length] = kernel;
        this.list[this.length + 1] = args.length;
        this.list.set(args, this.length + 2);
        this.length += 2 + args.length;
      };
    this.recorderCalls = Object.fromEntries(KERNEL_NAMES.map((name, k) => [name, record(k)])) as KernelCalls;
  }

  /** Whether worker threads can be started here at all. */
  static supported(): boolean {
    return workerThreads() !== undefined;
  }

  /** Starts workers until there are `n` (as far as the engine allows); returns how many threads there are in all. */
  ensure(n: number): number {
    while (this.Ctor && this.workers < n) {
      const thread = new this.Ctor(WORKER_SOURCE, {
        eval: true,
        workerData: { module: this.module, memory: this.memory, control: this.control, list: this.list.buffer, names: KERNEL_NAMES },
      });
      thread.on('error', (e) => {
        this.failed = String(e);
      });
      thread.unref();
      this.workers++;
    }
    return 1 + Math.min(n, this.workers);
  }

  /** How many parts the workers (not this thread) have run: a diagnostic. */
  listsRunByWorkers(): number {
    return Atomics.load(this.ctl, RUN_BY_WORKERS);
  }

  /** Starts recording the next part of the section; its calls go through `recorder()`. */
  beginPart(): void {
    if (this.parts === MAX_PARTS) this.flush();
    this.ctl[STARTS + this.parts] = this.length;
    this.parts++;
  }

  /** The kernels as a part records them. */
  recorder(): KernelCalls {
    return this.recorderCalls;
  }

  /** Hands out the recorded parts (workers start on them), then runs `own` here, then claims parts until done. */
  run(own: () => void): void {
    const gen = this.post();
    try {
      own();
    } finally {
      this.finish(gen);
    }
  }

  /** Runs what is recorded so far (when the list or the parts table is full), then goes on recording a fresh part. */
  private flush(): void {
    const open = this.parts > 0;
    this.finish(this.post());
    if (open) this.beginPart();
  }

  private post(): number {
    const ctl = this.ctl;
    ctl[STARTS + this.parts] = this.length;
    const gen = (Atomics.load(ctl, GEN) + 1) & 0xffffff;
    Atomics.store(ctl, PARTS, this.parts);
    Atomics.store(ctl, DONE, 0);
    Atomics.store(ctl, CLAIM, gen << 8);
    Atomics.store(ctl, GEN, gen);
    Atomics.notify(ctl, GEN);
    return gen;
  }

  private finish(gen: number): void {
    const ctl = this.ctl;
    const parts = this.parts;
    claimParts(ctl, gen, (p) => runList(this.directCalls, this.list, ctl[STARTS + p]!, ctl[STARTS + p + 1]!));
    // Spin while the workers finish (this thread has nothing else to do, and waking from a sleep costs ~50 µs, as
    // much as a part); sleep only after SPIN_MS, when a worker may have been descheduled.
    let since = 0;
    for (let spins = 0; Atomics.load(ctl, DONE) < parts; spins++) {
      if ((spins & 1023) === 1023) {
        since ||= performance.now();
        if (performance.now() - since > SPIN_MS) Atomics.wait(ctl, DONE, Atomics.load(ctl, DONE), 1);
      }
      if (this.failed) throw new Error(`wasm worker thread died: ${this.failed}`);
    }
    this.length = 0;
    this.parts = 0;
    if (Atomics.exchange(ctl, FAILED, 0)) throw new Error('wasm worker thread: a kernel trapped');
  }
}
