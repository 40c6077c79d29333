import type { WasmMemory } from './detect.js';

/**
 * Float32 arrays that live in the kernels' shared memory, so that the kernels read and write them in place
 * instead of copying them in and out. Only over a shared memory: a SharedArrayBuffer's views stay valid when the
 * memory grows (a plain one's would be detached). Blocks are reused by size once their array is garbage
 * collected; everything above `end` is the kernels' work space for one call.
 */
export class WasmHeap {
  private top: number;
  private readonly free = new Map<number, number[]>();
  // Every SharedArrayBuffer object this memory has handed out (a new one after each growth): arrays on any of them
  // are in the heap.
  private readonly buffers = new WeakSet<object>();
  private readonly registry = new FinalizationRegistry<[number, number]>(([at, size]) => {
    const list = this.free.get(size);
    if (list) list.push(at);
    else this.free.set(size, [at]);
  });

  constructor(
    private readonly memory: WasmMemory,
    /** First float the heap may use. */
    start: number,
    /** Grows the memory to at least this many bytes. */
    private readonly ensure: (bytes: number) => void,
  ) {
    this.top = start;
  }

  /** The first float past every block: where work space starts (64-byte aligned). */
  get end(): number {
    return this.top;
  }

  /** Per array from alloc, the floats its block has past its end. */
  private readonly room = new WeakMap<Float32Array, number>();

  /**
   * A zeroed array of n floats in the memory, its block `slack` floats longer (e.g. three more rows of a matrix,
   * for kernels that write whole tiles of 4 rows).
   */
  alloc(n: number, slack = 0): Float32Array {
    // Whole 64-byte lines, with one line of slack more: kernels read a few floats past an operand's end.
    const size = Math.ceil((n + slack) / 16) * 16 + 16;
    let at = this.free.get(size)?.pop();
    if (at === undefined) {
      at = this.top;
      this.top += size;
      this.ensure(4 * this.top);
    }
    const arr = new Float32Array(this.memory.buffer, 4 * at, n);
    this.buffers.add(arr.buffer);
    arr.fill(0);
    this.registry.register(arr, [at, size]);
    this.room.set(arr, size - n);
    return arr;
  }

  /** How many floats past `a`'s end its block has (0 for a view the heap did not hand out itself). */
  roomAfter(a: Float32Array): number {
    return this.room.get(a) ?? 0;
  }

  /** The byte address of `a` when it is a view of this memory. */
  addressOf(a: ArrayBufferView): number | undefined {
    return this.buffers.has(a.buffer) ? a.byteOffset : undefined;
  }
}
