import type binaryenNs from 'binaryen';
import { addConvFunctions } from './conv-builder.js';
import { addSparseFunctions } from './sparse-builder.js';
import { addCopyFunction } from './copy-builder.js';

/** binaryen's module object (its package is loaded on demand: it is a 14 MB wasm build of the toolkit). */
export type Binaryen = typeof binaryenNs;

/** Register tile of the micro-kernel: `mr` rows of op(A) by `nv` f32x4 vectors (4·nv columns) of op(B). */
export interface GemmTile {
  mr: number;
  nv: number;
}

export interface GemmModule {
  binary: Uint8Array;
  wat: string;
}

/**
 * Builds the GEMM module: memory (exported as `memory`, grown by the caller; or imported, see `shared`) and
 * functions on byte addresses.
 *
 * `strip(a, aRs, aKs, b, bKs, kc, c, ldc, tiles, alpha, beta, readC)`: for t < tiles, the mr×nr tile of C at
 * c + t·mr·ldc gets beta·C + alpha·Σ_p op(A)[r, p]·op(B)[p, 0..nr) (just alpha·Σ without reading C when readC is 0),
 * where op(A)[r, p] is the f32 at a + (t·mr + r)·aRs + p·aKs (read with load32_splat) and op(B)[p, 0..nr) the nr
 * f32 at b + p·bKs; p < kc (kc ≥ 1, tiles ≥ 1). Loops are do-while with the accumulators in locals.
 * `stripEdge(…, cols, scratch)`: the same for the last panel of C, of 1 ≤ cols < nr columns, through a scratch tile
 * at byte address `scratch` (mr·nr f32, 16-byte aligned, that the caller keeps free: one per thread).
 * `shared`: the memory is imported (env.memory, shared) so that instances in several threads work on one memory.
 *
 * `packB(src, dst, n, k, panels)`: B row-major k×n into panels of nr columns, dst[jp][p][0..nr) = B[p, jp·nr + c]
 * (the last panel reads past its row: its extra columns are garbage that only lands in C's padding).
 *
 * `packBT4(src, dst, n4, k, k4)` and `packBTScalar(src, dst, n, k, j0, p0, p1)`: B stored n×k (op(B) = Bᵀ) into
 * the same panels, by 4×4 blocks transposed with shuffles and one f32 at a time for the rest (see packTransposedB).
 */
export interface BuildOptions {
  /** Run binaryen's optimizer (default true). */
  optimize?: boolean;
  /** Import a shared memory (env.memory) instead of defining one (default false). */
  shared?: boolean;
  /** Multiply-adds as relaxed SIMD's f32x4.relaxed_madd (a fused multiply-add where the CPU has one; default false). */
  fma?: boolean;
}

/** acc + a·b as one f32x4 expression: mul then add, or relaxed_madd. */
export function madd(binaryen: Binaryen, mod: InstanceType<Binaryen['Module']>, fma: boolean, a: number, b: number, acc: number): number {
  if (!fma) return mod.f32x4.add(acc, mod.f32x4.mul(a, b));
  // binaryen.js has no wrapper for relaxed_madd: its C API does.
  const api = binaryen as unknown as { _BinaryenSIMDTernary(m: number, op: number, a: number, b: number, c: number): number; RelaxedMaddVecF32x4: number };
  return api._BinaryenSIMDTernary((mod as unknown as { ptr: number }).ptr, api.RelaxedMaddVecF32x4, a, b, acc);
}

export function buildGemmModule(binaryen: Binaryen, tile: GemmTile = { mr: 4, nv: 2 }, options: BuildOptions = {}): GemmModule {
  const { optimize = true, shared = false, fma = false } = options;
  const { mr, nv } = tile;
  const nr = 4 * nv;
  const { i32, f32, v128 } = binaryen;
  const mod = new binaryen.Module();
  try {
    const features = binaryen.Features.MVP | binaryen.Features.SIMD128 | binaryen.Features.MutableGlobals | binaryen.Features.SignExt;
    mod.setFeatures(features | (shared ? binaryen.Features.Atomics : 0) | (fma ? binaryen.Features.RelaxedSIMD : 0));
    // Shared: the memory comes from the importer (env.memory), one SharedArrayBuffer for every thread's instance.
    if (shared) {
      mod.setMemory(1, 65536, null, [], true, false, 'mem');
      mod.addMemoryImport('mem', 'env', 'memory', true);
    } else mod.setMemory(1, 65536, 'memory');

    const get = (i: number, t: number) => mod.local.get(i, t);
    const set = (i: number, v: number) => mod.local.set(i, v);
    const add = (a: number, b: number) => mod.i32.add(a, b);
    const c32 = (v: number) => mod.i32.const(v);
    /** i -= 1; loop again while i ≠ 0. */
    const countDown = (i: number, label: string) => [set(i, mod.i32.sub(get(i, i32), c32(1))), mod.br(label, get(i, i32))];

    // ---- strip, stripEdge ----
    for (const edge of [false, true]) {
      const name = edge ? 'stripEdge' : 'strip';
      const P = { a: 0, aRs: 1, aKs: 2, b: 3, bKs: 4, kc: 5, c: 6, ldc: 7, tiles: 8, alpha: 9, beta: 10, readC: 11, cols: 12, scratch: 13 };
      const params = [i32, i32, i32, i32, i32, i32, i32, i32, i32, f32, f32, i32, ...(edge ? [i32, i32] : [])];
      let next = params.length;
      const vars: number[] = [];
      const local = (t: number) => (vars.push(t), next++);
      const rowPtr = Array.from({ length: mr }, () => local(i32));
      const bp = local(i32);
      const p = local(i32);
      const crow = local(i32);
      const acc = Array.from({ length: mr }, () => Array.from({ length: nv }, () => local(v128)));
      const bv = Array.from({ length: nv }, () => local(v128));
      const av = local(v128);
      const alphaV = local(v128);
      const betaV = local(v128);
      // binaryen expressions form a tree: each use needs its own node.
      const zero = () => mod.v128.const(new Array(16).fill(0));

      const kBody = [
        ...bv.map((x, v) => set(x, mod.v128.load(16 * v, 16, get(bp, i32)))),
        ...rowPtr.flatMap((ptr, r) => [
          set(av, mod.v128.load32_splat(0, 4, get(ptr, i32))),
          ...acc[r]!.map((x, v) => set(x, madd(binaryen, mod, fma, get(av, v128), get(bv[v]!, v128), get(x, v128)))),
        ]),
        ...rowPtr.map((ptr) => set(ptr, add(get(ptr, i32), get(P.aKs, i32)))),
        set(bp, add(get(bp, i32), get(P.bKs, i32))),
        ...countDown(p, 'k'),
      ];

      const cAt = (v: number) => mod.v128.load(16 * v, 1, get(crow, i32));
      const storeRows = (readC: boolean) =>
        mod.block(
          null,
          acc.flatMap((row, r) => [
            set(crow, r === 0 ? get(P.c, i32) : add(get(crow, i32), get(P.ldc, i32))),
            ...row.map((x, v) => {
              const scaled = mod.f32x4.mul(get(alphaV, v128), get(x, v128));
              return mod.v128.store(16 * v, 1, get(crow, i32), readC ? mod.f32x4.add(mod.f32x4.mul(get(betaV, v128), cAt(v)), scaled) : scaled);
            }),
          ]),
        );

      // The edge panel: the scaled tile goes to the caller's scratch (one per thread), then its first `cols` columns to C.
      const x = local(i32);
      const q = local(i32);
      const storeEdge = () => {
        const cell = () => mod.f32.load(0, 4, add(get(crow, i32), get(x, i32)));
        const scratchAt = (r: number) => mod.f32.load(4 * nr * r, 4, add(get(P.scratch, i32), get(x, i32)));
        return mod.block(null, [
          ...acc.flatMap((row, r) =>
            row.map((v, i) => mod.v128.store(4 * (nr * r + 4 * i), 16, get(P.scratch, i32), mod.f32x4.mul(get(alphaV, v128), get(v, v128)))),
          ),
          ...acc.flatMap((_, r) => [
            set(crow, r === 0 ? get(P.c, i32) : add(get(crow, i32), get(P.ldc, i32))),
            set(x, c32(0)),
            set(q, get(P.cols, i32)),
            mod.loop(
              `e${r}`,
              mod.block(null, [
                mod.f32.store(
                  0,
                  4,
                  add(get(crow, i32), get(x, i32)),
                  mod.select(get(P.readC, i32), mod.f32.add(mod.f32.mul(get(P.beta, f32), cell()), scratchAt(r)), scratchAt(r)),
                ),
                set(x, add(get(x, i32), c32(4))),
                ...countDown(q, `e${r}`),
              ]),
            ),
          ]),
        ]);
      };

      const tileBody = [
        set(rowPtr[0]!, get(P.a, i32)),
        ...rowPtr.slice(1).map((ptr, r) => set(ptr, add(get(rowPtr[r]!, i32), get(P.aRs, i32)))),
        ...acc.flat().map((x) => set(x, zero())),
        set(bp, get(P.b, i32)),
        set(p, get(P.kc, i32)),
        mod.loop('k', mod.block(null, kBody)),
        edge ? storeEdge() : mod.if(get(P.readC, i32), storeRows(true), storeRows(false)),
        set(P.a, add(get(P.a, i32), mod.i32.mul(get(P.aRs, i32), c32(mr)))),
        set(P.c, add(get(P.c, i32), mod.i32.mul(get(P.ldc, i32), c32(mr)))),
        ...countDown(P.tiles, 't'),
      ];
      const body = mod.block(null, [
        set(alphaV, mod.f32x4.splat(get(P.alpha, f32))),
        set(betaV, mod.f32x4.splat(get(P.beta, f32))),
        mod.loop('t', mod.block(null, tileBody)),
      ]);
      mod.addFunction(name, binaryen.createType(params), binaryen.none, vars, body);
      mod.addFunctionExport(name, name);
    }

    // ---- packB: row-major k×n into nr-column panels, nv vectors per row ----
    {
      const P = { src: 0, dst: 1, n: 2, k: 3, panels: 4 };
      const s = 5,
        d = 6,
        p = 7,
        rowBytes = 8;
      const inner = [
        ...Array.from({ length: nv }, (_, v) => mod.v128.store(16 * v, 16, get(d, i32), mod.v128.load(16 * v, 4, get(s, i32)))),
        set(s, add(get(s, i32), get(rowBytes, i32))),
        set(d, add(get(d, i32), c32(4 * nr))),
        ...countDown(p, 'p'),
      ];
      const outer = [
        set(s, get(P.src, i32)),
        set(p, get(P.k, i32)),
        mod.loop('p', mod.block(null, inner)),
        set(P.src, add(get(P.src, i32), c32(4 * nr))),
        set(P.dst, get(d, i32)),
        ...countDown(P.panels, 'jp'),
      ];
      const body = mod.block(null, [set(rowBytes, mod.i32.shl(get(P.n, i32), c32(2))), set(d, get(P.dst, i32)), mod.loop('jp', mod.block(null, outer))]);
      mod.addFunction('packB', binaryen.createType([i32, i32, i32, i32, i32]), binaryen.none, [i32, i32, i32, i32], body);
      mod.addFunctionExport('packB', 'packB');
    }

    // ---- packBT: B stored n×k; column j of op(B) is row j of B. Panel of row j: dst + (j / nr)·k·nr·4 + (j % nr)·4 ----
    const log2nr = Math.log2(nr);
    const panelStart = (dst: number, j: number, panelBytes: number) =>
      add(
        add(get(dst, i32), mod.i32.mul(mod.i32.shr_u(get(j, i32), c32(log2nr)), get(panelBytes, i32))),
        mod.i32.shl(mod.i32.and(get(j, i32), c32(nr - 1)), c32(2)),
      );
    {
      // packBTScalar(src, dst, n, k, j0, p0, p1): rows j0 ≤ j < n, p0 ≤ p < p1, one f32 at a time (j0 < n, p0 < p1).
      const P = { src: 0, dst: 1, n: 2, k: 3, j0: 4, p0: 5, p1: 6 };
      const j = P.j0,
        s = 7,
        d = 8,
        p = 9,
        panelBytes = 10;
      const inner = [
        mod.f32.store(0, 4, get(d, i32), mod.f32.load(0, 4, get(s, i32))),
        set(s, add(get(s, i32), c32(4))),
        set(d, add(get(d, i32), c32(4 * nr))),
        ...countDown(p, 'p'),
      ];
      const outer = [
        set(s, add(get(P.src, i32), mod.i32.shl(add(mod.i32.mul(get(j, i32), get(P.k, i32)), get(P.p0, i32)), c32(2)))),
        set(d, add(panelStart(P.dst, j, panelBytes), mod.i32.mul(get(P.p0, i32), c32(4 * nr)))),
        set(p, mod.i32.sub(get(P.p1, i32), get(P.p0, i32))),
        mod.loop('p', mod.block(null, inner)),
        set(j, add(get(j, i32), c32(1))),
        mod.br('j', mod.i32.lt_u(get(j, i32), get(P.n, i32))),
      ];
      const body = mod.block(null, [set(panelBytes, mod.i32.mul(get(P.k, i32), c32(4 * nr))), mod.loop('j', mod.block(null, outer))]);
      mod.addFunction('packBTScalar', binaryen.createType([i32, i32, i32, i32, i32, i32, i32]), binaryen.none, [i32, i32, i32, i32], body);
      mod.addFunctionExport('packBTScalar', 'packBTScalar');
    }
    {
      // packBT4(src, dst, n4, k, k4): rows j < n4 in groups of 4, p < k4 in blocks of 4 (n4, k4 multiples of 4, ≥ 4),
      // each 4×4 block transposed with shuffles.
      const P = { src: 0, dst: 1, n4: 2, k: 3, k4: 4 };
      const j = 5,
        d = 6,
        p = 7,
        panelBytes = 8,
        rowBytes = 9;
      const sr = [10, 11, 12, 13];
      const rv = [14, 15, 16, 17];
      const tv = [18, 19, 20, 21];
      const lanes = (l: number[]) => l.flatMap((x) => [4 * x, 4 * x + 1, 4 * x + 2, 4 * x + 3]);
      const shuf = (a: number, b: number, l: number[]) => mod.i8x16.shuffle(get(a, v128), get(b, v128), lanes(l));
      const inner = [
        ...sr.map((x, r) => set(rv[r]!, mod.v128.load(0, 4, get(x, i32)))),
        set(tv[0]!, shuf(rv[0]!, rv[1]!, [0, 4, 1, 5])),
        set(tv[1]!, shuf(rv[0]!, rv[1]!, [2, 6, 3, 7])),
        set(tv[2]!, shuf(rv[2]!, rv[3]!, [0, 4, 1, 5])),
        set(tv[3]!, shuf(rv[2]!, rv[3]!, [2, 6, 3, 7])),
        mod.v128.store(0, 4, get(d, i32), shuf(tv[0]!, tv[2]!, [0, 1, 4, 5])),
        mod.v128.store(4 * nr, 4, get(d, i32), shuf(tv[0]!, tv[2]!, [2, 3, 6, 7])),
        mod.v128.store(8 * nr, 4, get(d, i32), shuf(tv[1]!, tv[3]!, [0, 1, 4, 5])),
        mod.v128.store(12 * nr, 4, get(d, i32), shuf(tv[1]!, tv[3]!, [2, 3, 6, 7])),
        ...sr.map((x) => set(x, add(get(x, i32), c32(16)))),
        set(d, add(get(d, i32), c32(16 * nr))),
        ...countDown(p, 'p'),
      ];
      const outer = [
        set(sr[0]!, add(get(P.src, i32), mod.i32.mul(get(j, i32), get(rowBytes, i32)))),
        ...sr.slice(1).map((x, r) => set(x, add(get(sr[r]!, i32), get(rowBytes, i32)))),
        set(d, panelStart(P.dst, j, panelBytes)),
        set(p, mod.i32.shr_u(get(P.k4, i32), c32(2))),
        mod.loop('p', mod.block(null, inner)),
        set(j, add(get(j, i32), c32(4))),
        mod.br('j', mod.i32.lt_u(get(j, i32), get(P.n4, i32))),
      ];
      const body = mod.block(null, [
        set(panelBytes, mod.i32.mul(get(P.k, i32), c32(4 * nr))),
        set(rowBytes, mod.i32.shl(get(P.k, i32), c32(2))),
        set(j, c32(0)),
        mod.loop('j', mod.block(null, outer)),
      ]);
      mod.addFunction(
        'packBT4',
        binaryen.createType([i32, i32, i32, i32, i32]),
        binaryen.none,
        [i32, i32, i32, i32, i32, i32, i32, i32, i32, v128, v128, v128, v128, v128, v128, v128, v128],
        body,
      );
      mod.addFunctionExport('packBT4', 'packBT4');
    }

    addConvFunctions(binaryen, mod, fma);
    addSparseFunctions(binaryen, mod, fma);
    addCopyFunction(binaryen, mod);

    if (!mod.validate()) throw new Error('wasm gemm: binaryen rejected the generated module');
    if (optimize) {
      // The levels are binaryen's global state: set for this module only.
      const [level, shrink] = [binaryen.getOptimizeLevel(), binaryen.getShrinkLevel()];
      binaryen.setOptimizeLevel(2);
      binaryen.setShrinkLevel(0);
      try {
        mod.optimize();
      } finally {
        binaryen.setOptimizeLevel(level);
        binaryen.setShrinkLevel(shrink);
      }
    }
    return { binary: mod.emitBinary(), wat: mod.emitText() };
  } finally {
    mod.dispose();
  }
}
