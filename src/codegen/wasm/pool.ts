import { disassemble, memarg, moduleBytes, op, ValType } from './encoder.js';

// SIMD opcodes (after 0xfd).
const [LOAD, STORE, CONST, SHUFFLE, F32X4_EQ, BITSELECT, F32X4_ADD, F32X4_MAX] = [0x00, 0x0b, 0x0c, 0x0d, 0x41, 0x52, 0xe4, 0xe9];
const load = (ptr: number, offset = 0) => [...op.localGet(ptr), ...op.simd(LOAD, ...memarg(2, offset))];
const store = (ptr: number, value: number[], offset = 0) => [...op.localGet(ptr), ...value, ...op.simd(STORE, ...memarg(2, offset))];
/** Lanes of two f32x4 by index 0–7 (4–7: the second). */
const shuffle = (a: number[], b: number[], lanes: number[]) => [
  ...a,
  ...b,
  ...op.simd(SHUFFLE, ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3])),
];
const bump = (p: number, by: number[]) => [...op.localGet(p), ...by, ...op.i32Add, ...op.localSet(p)];
const countDown = (i: number) => [...op.localGet(i), ...op.i32Const(1), ...op.i32Sub, ...op.localTee(i), ...op.brIf(0)];

/**
 * 2×2 max pooling of `rows` output rows (input rows 2r, 2r+1 are `xRow` bytes apart, output rows `outRow`),
 * `groups` of 4 outputs per row: the vertical max, then even and odd lanes shuffled apart and maxed. f32x4.max is
 * IEEE's maximum with NaN winning and +0 above -0, as the JS kernels. The last group of a row may write up to 3
 * floats past the row: on the next row (written after it) or in the heap block's slack.
 * `k(x, out, rows, groups, xRow, outRow)`
 */
export function poolMaxModule(): { bytes: Uint8Array; text: string } {
  const [X, OUT, ROWS, GROUPS, XROW, OUTROW] = [0, 1, 2, 3, 4, 5];
  const [xp, xq, outp, g, rowX, rowOut] = [6, 7, 8, 9, 10, 11];
  const m0 = 12;
  const m1 = 13;
  const inner = [
    ...[...load(xp), ...load(xq), ...op.simd(F32X4_MAX)],
    ...op.localSet(m0),
    ...[...load(xp, 16), ...load(xq, 16), ...op.simd(F32X4_MAX)],
    ...op.localSet(m1),
    ...store(outp, [
      ...shuffle(op.localGet(m0), op.localGet(m1), [0, 2, 4, 6]),
      ...shuffle(op.localGet(m0), op.localGet(m1), [1, 3, 5, 7]),
      ...op.simd(F32X4_MAX),
    ]),
    ...bump(xp, op.i32Const(32)),
    ...bump(xq, op.i32Const(32)),
    ...bump(outp, op.i32Const(16)),
    ...countDown(g),
  ];
  const outer = [
    ...op.localGet(rowX),
    ...op.localSet(xp),
    ...op.localGet(rowX),
    ...op.localGet(XROW),
    ...op.i32Add,
    ...op.localSet(xq),
    ...op.localGet(rowOut),
    ...op.localSet(outp),
    ...op.localGet(GROUPS),
    ...op.localSet(g),
    ...op.loop,
    ...inner,
    ...op.end,
    ...bump(rowX, [...op.localGet(XROW), ...op.localGet(XROW), ...op.i32Add]),
    ...bump(rowOut, op.localGet(OUTROW)),
    ...countDown(ROWS),
  ];
  const body = [...op.localGet(X), ...op.localSet(rowX), ...op.localGet(OUT), ...op.localSet(rowOut), ...op.loop, ...outer, ...op.end];
  const locals = [ValType.i32, ValType.i32, ValType.i32, ValType.i32, ValType.i32, ValType.i32, ValType.v128, ValType.v128];
  const text = `(func $k (param $x i32) (param $out i32) (param $rows i32) (param $groups i32) (param $xRow i32) (param $outRow i32)\n${disassemble(body)}\n)`;
  return { bytes: moduleBytes(new Array<ValType>(6).fill(ValType.i32), locals, body, true), text };
}

/**
 * Its gradient: gx = 0 + (x == z ? gz : 0) for each input of each window (every tie; NaN equals nothing; the
 * 0 + turns -0 into +0), as the JS kernels. Row 2r is written whole before row 2r+1, so that the up to 6 floats a
 * row's last group writes past its end are written again after.
 * `k(x, z, gz, gx, rows, groups, xRow, outRow)`
 */
export function poolMaxGradModule(): { bytes: Uint8Array; text: string } {
  const [X, Z, GZ, GX, ROWS, GROUPS, XROW, OUTROW] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [xp, gxp, zp, gp, g, rowX, rowZ] = [8, 9, 10, 11, 12, 13, 14];
  const [zlo, zhi, glo, ghi, zero] = [15, 16, 17, 18, 19];
  const pick = (x: number[], zz: number, gg: number) => [
    ...op.localGet(zero),
    ...op.localGet(gg),
    ...op.localGet(zero),
    ...x,
    ...op.localGet(zz),
    ...op.simd(F32X4_EQ),
    ...op.simd(BITSELECT),
    ...op.simd(F32X4_ADD),
  ];
  const inner = [
    ...shuffle(load(zp), load(zp), [0, 0, 1, 1]),
    ...op.localSet(zlo),
    ...shuffle(load(zp), load(zp), [2, 2, 3, 3]),
    ...op.localSet(zhi),
    ...shuffle(load(gp), load(gp), [0, 0, 1, 1]),
    ...op.localSet(glo),
    ...shuffle(load(gp), load(gp), [2, 2, 3, 3]),
    ...op.localSet(ghi),
    ...store(gxp, pick(load(xp), zlo, glo)),
    ...store(gxp, pick(load(xp, 16), zhi, ghi), 16),
    ...bump(xp, op.i32Const(32)),
    ...bump(gxp, op.i32Const(32)),
    ...bump(zp, op.i32Const(16)),
    ...bump(gp, op.i32Const(16)),
    ...countDown(g),
  ];
  // One input row (half = 0: row 2r, 1: row 2r+1) against output row r.
  const rowPass = (h: number) => [
    ...op.localGet(rowX),
    ...(h ? [...op.localGet(XROW), ...op.i32Add] : []),
    ...op.localSet(xp),
    ...op.localGet(rowX),
    ...(h ? [...op.localGet(XROW), ...op.i32Add] : []),
    ...op.localGet(X),
    ...op.i32Sub,
    ...op.localGet(GX),
    ...op.i32Add,
    ...op.localSet(gxp),
    ...op.localGet(rowZ),
    ...op.localSet(zp),
    ...op.localGet(rowZ),
    ...op.localGet(Z),
    ...op.i32Sub,
    ...op.localGet(GZ),
    ...op.i32Add,
    ...op.localSet(gp),
    ...op.localGet(GROUPS),
    ...op.localSet(g),
    ...op.loop,
    ...inner,
    ...op.end,
  ];
  const outer = [
    ...rowPass(0),
    ...rowPass(1),
    ...bump(rowX, [...op.localGet(XROW), ...op.localGet(XROW), ...op.i32Add]),
    ...bump(rowZ, op.localGet(OUTROW)),
    ...countDown(ROWS),
  ];
  const body = [
    ...op.simd(CONST, ...new Array<number>(16).fill(0)),
    ...op.localSet(zero),
    ...op.localGet(X),
    ...op.localSet(rowX),
    ...op.localGet(Z),
    ...op.localSet(rowZ),
    ...op.loop,
    ...outer,
    ...op.end,
  ];
  const locals = [...new Array<ValType>(7).fill(ValType.i32), ...new Array<ValType>(5).fill(ValType.v128)];
  const text = `(func $k (param $x i32) (param $z i32) (param $gz i32) (param $gx i32) (param $rows i32) (param $groups i32) (param $xRow i32) (param $outRow i32)\n${disassemble(body)}\n)`;
  return { bytes: moduleBytes(new Array<ValType>(8).fill(ValType.i32), locals, body, true), text };
}
