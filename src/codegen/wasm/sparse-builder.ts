import { madd, type Binaryen } from './gemm-builder.js';

type Module = InstanceType<Binaryen['Module']>;

/** Bytes of one nonzero in a list: its address (i32) and value (f32). */
export const NONZERO_BYTES = 8;
/** Bytes of one group record: output base, first nonzero's address, count (i32 each). */
export const GROUP_BYTES = 12;
/**
 * Rows of taps one sparseTaps block keeps in registers (two f32x4, eight taps, per row). Three, not four: with eight
 * accumulators V8 spills one inside the loop (x64 has 16 vector registers, and it loads every row before the
 * multiply-adds), which doubled the time per nonzero.
 */
export const SPARSE_BLOCK_ROWS = 3;

/**
 * Adds the kernels of the convolution gradients that skip zeros (a max-pooling gradient leaves at most one value in
 * each window nonzero), all on byte addresses:
 *
 * `gatherNonzeros(src, n, stride, offs, base, segs, srcStep, baseStep, dst, groups, outs, outBase) → end`: for each
 * segment s < segs and q < n, the f32 v at src + s·srcStep + q·stride, if v ≠ 0 (NaN counts as nonzero), appends
 * (base + s·baseStep + offs[q], v) to the list at dst (NONZERO_BYTES each; one entry past the end is written); with groups ≠ 0 each segment also
 * writes its group record (outBase + outs[s], first, count) at groups + s·GROUP_BYTES. Returns the list's end.
 *
 * `sparseTaps(groups, nGroups, inOffs, outOffs, blocks, accumulate)`: for each block of SPARSE_BLOCK_ROWS rows r
 * with offsets in[r], out[r] (i32 tables, one entry per row) and each group (out, first, count), the eight floats
 * out + out[r] + 0..8 get Σ over the group's nonzeros (a, v) of v·f32x4s at a + in[r] + 0..8 (stored, or added to
 * what is there when accumulate ≠ 0, where a group without nonzeros is skipped).
 *
 * `allFinite(src, n) → 0 | 1`: whether the n floats at src (a multiple of 4 is read; the rest must be readable)
 * are all finite.
 */
export function addSparseFunctions(binaryen: Binaryen, mod: Module, fma = false): void {
  const { i32, v128 } = binaryen;
  const get = (i: number, t: number) => mod.local.get(i, t);
  const set = (i: number, v: number) => mod.local.set(i, v);
  const geti = (i: number) => get(i, i32);
  const add = (a: number, b: number) => mod.i32.add(a, b);
  const c32 = (v: number) => mod.i32.const(v);
  const bump = (i: number, by: number) => set(i, add(geti(i), by));
  const countDown = (i: number, label: string) => [set(i, mod.i32.sub(geti(i), c32(1))), mod.br(label, geti(i))];
  const loop = (label: string, body: number[]) => mod.loop(label, mod.block(null, body));
  const fn = (name: string, params: number[], result: number, vars: number[], body: number) => {
    mod.addFunction(name, binaryen.createType(params), result, vars, body);
    mod.addFunctionExport(name, name);
  };

  // ---- gatherNonzeros ----
  {
    const [src, n, stride, offs, base, segs, srcStep, baseStep, dst, groups, outs, outBase] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    const [q, sp, op, first, v] = [12, 13, 14, 15, 16];
    // Branch-free: every value is written, and the list advances past it only if it is nonzero (a branch on data
    // this irregular mispredicts often).
    const qLoop = [
      set(v, mod.f32.load(0, 4, geti(sp))),
      mod.i32.store(0, 4, geti(dst), add(geti(base), mod.i32.load(0, 4, geti(op)))),
      mod.f32.store(4, 4, geti(dst), get(v, binaryen.f32)),
      bump(dst, mod.i32.shl(mod.f32.ne(get(v, binaryen.f32), mod.f32.const(0)), c32(3))),
      bump(sp, geti(stride)),
      bump(op, c32(4)),
      ...countDown(q, 'q'),
    ];
    const record = mod.if(
      geti(groups),
      mod.block(null, [
        mod.i32.store(0, 4, geti(groups), add(geti(outBase), mod.i32.load(0, 4, geti(outs)))),
        mod.i32.store(4, 4, geti(groups), geti(first)),
        mod.i32.store(8, 4, geti(groups), mod.i32.shr_u(mod.i32.sub(geti(dst), geti(first)), c32(3))),
        bump(groups, c32(12)),
        bump(outs, c32(4)),
      ]),
    );
    const sLoop = [
      set(first, geti(dst)),
      set(sp, geti(src)),
      set(op, geti(offs)),
      set(q, geti(n)),
      loop('q', qLoop),
      record,
      bump(src, geti(srcStep)),
      bump(base, geti(baseStep)),
      ...countDown(segs, 's'),
    ];
    fn('gatherNonzeros', Array(12).fill(i32), i32, [i32, i32, i32, i32, binaryen.f32], mod.block(null, [loop('s', sLoop), geti(dst)], i32));
  }

  // ---- sparseTaps ----
  {
    const [groups, nGroups, inOffs, outOffs, blocks, accumulate] = [0, 1, 2, 3, 4, 5];
    const [out, p, list, left, ti, to, a, n] = [6, 7, 8, 9, 10, 11, 12, 13];
    const rowIn = Array.from({ length: SPARSE_BLOCK_ROWS }, (_, r) => 14 + r);
    const rowOut = Array.from({ length: SPARSE_BLOCK_ROWS }, (_, r) => 14 + SPARSE_BLOCK_ROWS + r);
    const s = 14 + 2 * SPARSE_BLOCK_ROWS;
    const acc = Array.from({ length: 2 * SPARSE_BLOCK_ROWS }, (_, k) => s + 1 + k);
    const at = (r: number) => add(geti(a), geti(rowIn[r]!));
    // p walks the group records, list one group's nonzeros (n of them left), left counts the groups down.
    const nzLoop = [
      set(a, mod.i32.load(0, 4, geti(list))),
      set(s, mod.v128.load32_splat(4, 4, geti(list))),
      ...rowIn.flatMap((_, r) =>
        [0, 1].map((h) => set(acc[2 * r + h]!, madd(binaryen, mod, fma, get(s, v128), mod.v128.load(16 * h, 4, at(r)), get(acc[2 * r + h]!, v128)))),
      ),
      bump(list, c32(8)),
      ...countDown(n, 'nz'),
    ];
    const outAt = (r: number) => add(geti(out), geti(rowOut[r]!));
    const store = (r: number, h: number, accumulateIt: boolean) =>
      mod.v128.store(
        16 * h,
        4,
        outAt(r),
        accumulateIt ? mod.f32x4.add(mod.v128.load(16 * h, 4, outAt(r)), get(acc[2 * r + h]!, v128)) : get(acc[2 * r + h]!, v128),
      );
    const stores = (accumulateIt: boolean) =>
      mod.block(
        null,
        rowIn.flatMap((_, r) => [store(r, 0, accumulateIt), store(r, 1, accumulateIt)]),
      );
    // Blocks outside, groups inside: a block's row offsets are read once, and its rows of every filter (or window)
    // stay in cache across the groups.
    const gLoop = [
      set(out, mod.i32.load(0, 4, geti(p))),
      set(n, mod.i32.load(8, 4, geti(p))),
      mod.if(
        mod.i32.or(geti(n), mod.i32.eqz(geti(accumulate))),
        mod.block(null, [
          ...acc.map((x) => set(x, mod.v128.const(new Array(16).fill(0)))),
          set(list, mod.i32.load(4, 4, geti(p))),
          mod.if(geti(n), loop('nz', nzLoop)),
          mod.if(geti(accumulate), stores(true), stores(false)),
        ]),
      ),
      bump(p, c32(12)),
      ...countDown(left, 'g'),
    ];
    const blkLoop = [
      ...rowIn.map((x, r) => set(x, mod.i32.load(4 * r, 4, geti(ti)))),
      ...rowOut.map((x, r) => set(x, mod.i32.load(4 * r, 4, geti(to)))),
      set(p, geti(groups)),
      set(left, geti(nGroups)),
      loop('g', gLoop),
      bump(ti, c32(4 * SPARSE_BLOCK_ROWS)),
      bump(to, c32(4 * SPARSE_BLOCK_ROWS)),
      ...countDown(blocks, 'b'),
    ];
    const locals = [...Array(8 + 2 * SPARSE_BLOCK_ROWS).fill(i32), ...Array(1 + 2 * SPARSE_BLOCK_ROWS).fill(v128)];
    fn('sparseTaps', Array(6).fill(i32), binaryen.none, locals, mod.block(null, [set(ti, geti(inOffs)), set(to, geti(outOffs)), loop('b', blkLoop)]));
  }

  // ---- allFinite: x − x is 0 for finite x and NaN otherwise; the sum of those stays 0 only if all are finite ----
  {
    const [src, n, sum, x] = [0, 1, 2, 3];
    const body = [
      set(sum, mod.v128.const(new Array(16).fill(0))),
      mod.if(
        mod.i32.gt_s(geti(n), c32(0)),
        loop('q', [
          set(x, mod.v128.load(0, 4, geti(src))),
          set(sum, mod.f32x4.add(get(sum, v128), mod.f32x4.sub(get(x, v128), get(x, v128)))),
          bump(src, c32(16)),
          set(n, mod.i32.sub(geti(n), c32(4))),
          mod.br('q', mod.i32.gt_s(geti(n), c32(0))),
        ]),
      ),
      // All lanes equal to themselves (no NaN): every lane of eq is all ones.
      mod.i8x16.all_true(mod.f32x4.eq(get(sum, v128), get(sum, v128))),
    ];
    fn('allFinite', [i32, i32], i32, [v128, v128], mod.block(null, body, i32));
  }
}
