import { madd, type Binaryen } from './gemm-builder.js';

type Module = InstanceType<Binaryen['Module']>;

/**
 * Adds the convolution kernels to the GEMM module (they share its memory), all on byte addresses:
 *
 * `convRows(w, x, offs, K, y, ldy, tiles, segs, rows, xRs, yRs)`: direct convolution (a correlation, stride 1)
 * of `rows` output rows (row q reads from x + q·xRs and writes at y + q·yRs). For each of `segs` segments of 8
 * output columns (segment s reads x + 32s and writes y + 32s) and each of `tiles` tiles of 4 output channels:
 * y[t·4 + r][0..8) = Σ_{k < K} w[t][k][r] · x[offs[k] + 0..8), where offs (i32, bytes) holds each tap's offset
 * (c·xCs + u·xRs + 4v for k = (c, u, v)), the filters are interleaved by tile (`w[t][k][0..4)`, 16 bytes per k) and
 * row r of the output is at y + (t·4 + r)·ldy. The input's rows are read 8 floats at a time: past the row's end
 * the values are garbage that lands only in columns beyond the output's width, which the caller drops.
 *
 * `im2colTaps(x, xCs, xRs, nC, fR, fW, outR, outW, dst, ldd)`: dst + k·ldd + 4·(i·outW + j) =
 * x[c·xCs + (i + u)·xRs + 4(j + v)] for taps k = (c, u, v), i < outR, j < outW (stride 1). Copies by 4 floats: each
 * row may be written up to 3 floats past its end (rows are written in increasing address order, so that lands on
 * what is written next, or in slack the caller leaves after dst).
 *
 * `col2imTaps(src, lds, nC, fR, fW, outR, outW, img, xCs, xRs)`: the adjoint, exact to the element:
 * img[c·xCs + (i + u)·xRs + 4(j + v)] += src[k·lds + 4·(i·outW + j)].
 */
export function addConvFunctions(binaryen: Binaryen, mod: Module, fma = false): void {
  const { i32, v128, none } = binaryen;
  const get = (i: number, t: number) => mod.local.get(i, t);
  const set = (i: number, v: number) => mod.local.set(i, v);
  const add = (a: number, b: number) => mod.i32.add(a, b);
  const c32 = (v: number) => mod.i32.const(v);
  const geti = (i: number) => get(i, i32);
  const bump = (i: number, by: number) => set(i, add(geti(i), by));
  const countDown = (i: number, label: string) => [set(i, mod.i32.sub(geti(i), c32(1))), mod.br(label, geti(i))];
  const loop = (label: string, body: number[]) => mod.loop(label, mod.block(null, body));
  const fn = (name: string, params: number[], vars: number[], body: number[]) => {
    mod.addFunction(name, binaryen.createType(params), none, vars, mod.block(null, body));
    mod.addFunctionExport(name, name);
  };

  // ---- convRows: one loop over the taps (offsets from a table), as a GEMM's over k: nested loops over (c, u, v)
  // with five-tap inner loops spent a third of their time in loop overhead and spilled counters ----
  {
    const [w, x, offs, K, y, ldy, tiles, segs, rows, xRs, yRs] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const [t, k, wp, tp, yt, xRow, yRow, seg, at] = [11, 12, 13, 14, 15, 16, 17, 18, 19];
    const acc = [20, 21, 22, 23, 24, 25, 26, 27];
    const [b0, b1, a] = [28, 29, 30];
    const rowTerms = (r: number) => [
      set(a, mod.v128.load32_splat(4 * r, 4, geti(wp))),
      set(acc[2 * r]!, madd(binaryen, mod, fma, get(a, v128), get(b0, v128), get(acc[2 * r]!, v128))),
      set(acc[2 * r + 1]!, madd(binaryen, mod, fma, get(a, v128), get(b1, v128), get(acc[2 * r + 1]!, v128))),
    ];
    const kLoop = [
      set(at, add(geti(x), mod.i32.load(0, 4, geti(tp)))),
      set(b0, mod.v128.load(0, 4, geti(at))),
      set(b1, mod.v128.load(16, 4, geti(at))),
      ...[0, 1, 2, 3].flatMap(rowTerms),
      bump(tp, c32(4)),
      bump(wp, c32(16)),
      ...countDown(k, 'k'),
    ];
    const store = (r: number) => [
      mod.v128.store(0, 4, geti(yt), get(acc[2 * r]!, v128)),
      mod.v128.store(16, 4, geti(yt), get(acc[2 * r + 1]!, v128)),
      bump(yt, geti(ldy)),
    ];
    const tLoop = [
      ...acc.map((r) => set(r, mod.v128.const(new Array(16).fill(0)))),
      set(tp, geti(offs)),
      set(k, geti(K)),
      loop('k', kLoop),
      ...[0, 1, 2, 3].flatMap(store),
      ...countDown(t, 't'),
    ];
    // Per segment the filters from their start; the tiles' output rows follow each other, ldy apart.
    const sLoop = [set(wp, geti(w)), set(yt, geti(y)), set(t, geti(tiles)), loop('t', tLoop), bump(x, c32(32)), bump(y, c32(32)), ...countDown(seg, 's')];
    const rowLoop = [
      set(xRow, geti(x)),
      set(yRow, geti(y)),
      set(seg, geti(segs)),
      loop('s', sLoop),
      set(x, add(geti(xRow), geti(xRs))),
      set(y, add(geti(yRow), geti(yRs))),
      ...countDown(rows, 'row'),
    ];
    fn('convRows', Array(11).fill(i32), [...Array(9).fill(i32), ...Array(11).fill(v128)], [loop('row', rowLoop)]);
  }

  // ---- im2colTaps / col2imTaps: one loop nest over (c, u, v, i), moving outW floats per step ----
  for (const adjoint of [false, true]) {
    const P = adjoint
      ? { col: 0, ld: 1, nC: 2, fR: 3, fW: 4, outR: 5, outW: 6, img: 7, xCs: 8, xRs: 9 }
      : { img: 0, xCs: 1, xRs: 2, nC: 3, fR: 4, fW: 5, outR: 6, outW: 7, col: 8, ld: 9 };
    // ic: row u of channel c; iu: its column v; iv: its row i; ip/cp: image/column pointers; dp: column row start.
    const [c, u, v, i, j, ic, iu, iv, ip, cp, dp, row, quads, rest, rowBytes] = [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24];
    const move = adjoint
      ? () => mod.v128.store(0, 4, geti(ip), mod.f32x4.add(mod.v128.load(0, 4, geti(ip)), mod.v128.load(0, 4, geti(cp))))
      : () => mod.v128.store(0, 4, geti(cp), mod.v128.load(0, 4, geti(ip)));
    const moveScalar = () => mod.f32.store(0, 4, geti(ip), mod.f32.add(mod.f32.load(0, 4, geti(ip)), mod.f32.load(0, 4, geti(cp))));
    const step = (bytes: number) => [bump(ip, c32(bytes)), bump(cp, c32(bytes))];
    // A row: quads of 4 floats; the adjoint adds the last outW % 4 one by one, im2col copies a whole last quad.
    const rowBody = adjoint
      ? [
          set(j, geti(quads)),
          mod.if(geti(j), loop('q', [move(), ...step(16), ...countDown(j, 'q')])),
          set(j, geti(rest)),
          mod.if(geti(j), loop('r', [moveScalar(), ...step(4), ...countDown(j, 'r')])),
        ]
      : [set(j, geti(quads)), loop('q', [move(), ...step(16), ...countDown(j, 'q')])];
    const iLoop = [set(ip, geti(iv)), set(cp, geti(dp)), ...rowBody, bump(dp, geti(rowBytes)), bump(iv, geti(P.xRs)), ...countDown(i, 'i')];
    const vLoop = [
      set(iv, geti(iu)),
      set(dp, geti(row)),
      set(i, geti(P.outR)),
      loop('i', iLoop),
      bump(iu, c32(4)),
      bump(row, geti(P.ld)),
      ...countDown(v, 'v'),
    ];
    const uLoop = [set(iu, geti(ic)), set(v, geti(P.fW)), loop('v', vLoop), bump(ic, geti(P.xRs)), ...countDown(u, 'u')];
    const cLoop = [set(ic, geti(P.img)), set(u, geti(P.fR)), loop('u', uLoop), bump(P.img, geti(P.xCs)), ...countDown(c, 'c')];
    const body = [
      set(quads, adjoint ? mod.i32.shr_u(geti(P.outW), c32(2)) : mod.i32.shr_u(add(geti(P.outW), c32(3)), c32(2))),
      set(rest, mod.i32.and(geti(P.outW), c32(3))),
      set(rowBytes, mod.i32.shl(geti(P.outW), c32(2))),
      set(row, geti(P.col)),
      set(c, geti(P.nC)),
      loop('c', cLoop),
    ];
    fn(adjoint ? 'col2imTaps' : 'im2colTaps', Array(10).fill(i32), Array(15).fill(i32), body);
  }
}
