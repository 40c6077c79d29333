import type { Binaryen } from './gemm-builder.js';

type Module = InstanceType<Binaryen['Module']>;

/**
 * Adds `copy4(src, dst, n0, n1, n2, n3, s0, s1, s2, s3, d0, d1, d2, d3)`: the f32 at src + Σ i_k·s_k goes to
 * dst + Σ i_k·d_k for every i_k < n_k (each n_k ≥ 1), steps in bytes and signed. One loop nest serves the
 * reorderings around the convolution kernels (filters flipped into tiles or rows of eight, images cropped out of
 * padded planes), which cost several times as much as plain JS loops.
 */
export function addCopyFunction(binaryen: Binaryen, mod: Module): void {
  const { i32 } = binaryen;
  const geti = (i: number) => mod.local.get(i, i32);
  const set = (i: number, v: number) => mod.local.set(i, v);
  const add = (a: number, b: number) => mod.i32.add(a, b);
  const [src, dst] = [0, 1];
  const n = [2, 3, 4, 5];
  const s = [6, 7, 8, 9];
  const d = [10, 11, 12, 13];
  // Per level: its counter, and the source and destination pointers at its start.
  const count = [14, 15, 16, 17];
  const sp = [18, 19, 20, 21];
  const dp = [22, 23, 24, 25];
  const level = (k: number): number => {
    const inner =
      k === 3
        ? mod.f32.store(0, 4, geti(dp[3]!), mod.f32.load(0, 4, geti(sp[3]!)))
        : mod.block(null, [set(sp[k + 1]!, geti(sp[k]!)), set(dp[k + 1]!, geti(dp[k]!)), level(k + 1)]);
    return mod.block(null, [
      set(count[k]!, geti(n[k]!)),
      mod.loop(
        `l${k}`,
        mod.block(null, [
          inner,
          set(sp[k]!, add(geti(sp[k]!), geti(s[k]!))),
          set(dp[k]!, add(geti(dp[k]!), geti(d[k]!))),
          set(count[k]!, mod.i32.sub(geti(count[k]!), mod.i32.const(1))),
          mod.br(`l${k}`, geti(count[k]!)),
        ]),
      ),
    ]);
  };
  const body = mod.block(null, [set(sp[0]!, geti(src)), set(dp[0]!, geti(dst)), level(0)]);
  mod.addFunction('copy4', binaryen.createType(Array(14).fill(i32)), binaryen.none, Array(12).fill(i32), body);
  mod.addFunctionExport('copy4', 'copy4');
}
