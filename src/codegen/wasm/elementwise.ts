import { disassemble, memarg, moduleBytes, op, ValType } from './encoder.js';

/** One step of an elementwise program: an op by name over earlier values (inputs first), with its result dtype. */
export interface ProgramStep {
  op: string;
  args: readonly number[];
  dtype: string;
}

// f32x4 opcodes (after the 0xfd prefix).
const F32X4 = { add: 0xe4, sub: 0xe5, mul: 0xe6, div: 0xe7, neg: 0xe1, abs: 0xe0, sqrt: 0xe3, splat: 0x13 };
const COMPARE: Record<string, number> = { eq: 0x41, neq: 0x42, lt: 0x43, gt: 0x44, le: 0x45, ge: 0x46 };
const [V128_LOAD, V128_STORE, V128_CONST, LOAD32_SPLAT, V128_AND, V128_OR, BITSELECT, F32X4_NE, F32X4_GT, F32X4_LT] = [
  0x00, 0x0b, 0x0c, 0x09, 0x4e, 0x50, 0x52, 0x42, 0x44, 0x43,
];
const [I8X16_SHUFFLE, F64X2_PROMOTE_LOW, F64X2_ADD] = [0x0d, 0x5f, 0xf0];
const f32Bytes = (v: number) => [...new Uint8Array(new Float32Array([v, v, v, v]).buffer)];

/**
 * A wasm SIMD kernel for a float32 elementwise program, 4 elements per step, or undefined when a step is not one
 * it renders. Each op is IEEE float32 arithmetic on the lanes, so results equal the JS kernels' (which round every
 * step to float32) bit for bit; comparisons give lane masks, turned into 1/0 where arithmetic uses them, and
 * maximum/minimum keep the JS kernels' choices exactly (NaN in a wins, then a > b, else b).
 *
 * The function `k(out, in0, …, count)` takes byte addresses and the number of 4-float groups; inputs whose bit
 * is set in `scalars` are one value, read once and broadcast. Arrays are read and written whole groups at a time:
 * up to 3 floats past their ends, which the heap's blocks leave room for.
 */
export function elementwiseModule(
  steps: readonly ProgramStep[],
  nInputs: number,
  scalars: number,
  sharedMemory: boolean,
  /** Sum the results instead of storing them: four float64 partial sums (lanes 0–3) to `out` (32 bytes). */
  sum = false,
): { bytes: Uint8Array; text: string } | undefined {
  const nParams = nInputs + 2;
  const OUT = 0;
  const COUNT = nInputs + 1;
  const inParam = (j: number) => 1 + j;
  // Locals: one v128 per input (its group or its broadcast value), one per step, and the constant 1.0.
  const inLocal = (j: number) => nParams + j;
  const stepLocal = (k: number) => nParams + nInputs + k;
  const ONE = nParams + nInputs + steps.length;
  const [ACC_LO, ACC_HI] = [ONE + 1, ONE + 2];
  const kinds: ('f' | 'm')[] = new Array(nInputs).fill('f');
  const body: number[] = [];
  const code: number[] = [];
  const get = (v: number) => op.localGet(v < nInputs ? inLocal(v) : stepLocal(v - nInputs));
  /** A value as float lanes (a mask becomes 1.0 / 0.0, as the JS kernels' 1 / 0). */
  const float = (v: number) => (kinds[v] === 'm' ? [...get(v), ...op.localGet(ONE), ...op.simd(V128_AND)] : get(v));
  /** A value as a mask (a float is true where it is not 0, NaN included, as `!== 0`). */
  const mask = (v: number) => (kinds[v] === 'm' ? get(v) : [...get(v), ...op.simd(V128_CONST, ...f32Bytes(0)), ...op.simd(F32X4_NE)]);

  for (const [k, s] of steps.entries()) {
    const [a, b, c] = s.args as [number, number, number];
    let expr: number[] | undefined;
    let kind: 'f' | 'm' = 'f';
    const binary = (code: number) => [...float(a), ...float(b), ...op.simd(code)];
    if (s.op in COMPARE && s.dtype === 'bool') {
      expr = [...float(a), ...float(b), ...op.simd(COMPARE[s.op]!)];
      kind = 'm';
    } else if (s.dtype !== 'float32') {
      return undefined;
    } else if (s.op === 'add' || s.op === 'sub' || s.op === 'mul' || s.op === 'div') expr = binary(F32X4[s.op]);
    else if (s.op === 'sqr') expr = [...float(a), ...float(a), ...op.simd(F32X4.mul)];
    else if (s.op === 'neg' || s.op === 'abs' || s.op === 'sqrt') expr = [...float(a), ...op.simd(F32X4[s.op])];
    else if (s.op === 'maximum' || s.op === 'minimum') {
      // a where a is NaN or a > b (a < b for minimum), else b.
      const cmp = s.op === 'maximum' ? F32X4_GT : F32X4_LT;
      expr = [
        ...float(a),
        ...float(b),
        ...float(a),
        ...float(a),
        ...op.simd(F32X4_NE),
        ...float(a),
        ...float(b),
        ...op.simd(cmp),
        ...op.simd(V128_OR),
        ...op.simd(BITSELECT),
      ];
    } else if (s.op === 'relu') {
      expr = [
        ...float(a),
        ...op.simd(V128_CONST, ...f32Bytes(0)),
        ...float(a),
        ...op.simd(V128_CONST, ...f32Bytes(0)),
        ...op.simd(F32X4_GT),
        ...op.simd(BITSELECT),
      ];
    } else if (s.op === 'switch') expr = [...float(b), ...float(c), ...mask(a), ...op.simd(BITSELECT)];
    else if (s.op === 'fill') expr = float(b);
    else if (s.op === 'cast') expr = float(a);
    else return undefined;
    code.push(...expr, ...op.localSet(stepLocal(k)));
    kinds.push(kind);
  }
  if (kinds[kinds.length - 1] !== 'f') return undefined;

  body.push(...op.simd(V128_CONST, ...f32Bytes(1)), ...op.localSet(ONE));
  for (let j = 0; j < nInputs; j++)
    if (scalars & (1 << j)) body.push(...op.localGet(inParam(j)), ...op.simd(LOAD32_SPLAT, ...memarg(2)), ...op.localSet(inLocal(j)));
  body.push(...op.loop);
  for (let j = 0; j < nInputs; j++)
    if (!(scalars & (1 << j))) body.push(...op.localGet(inParam(j)), ...op.simd(V128_LOAD, ...memarg(2)), ...op.localSet(inLocal(j)));
  body.push(...code);
  const advance = (p: number) => [...op.localGet(p), ...op.i32Const(16), ...op.i32Add, ...op.localSet(p)];
  const result = stepLocal(steps.length - 1);
  if (sum) {
    // Lanes 0, 1 and 2, 3 widened to float64 and added to their own partial sums.
    const lanes23 = [...op.localGet(result), ...op.localGet(result), ...op.simd(I8X16_SHUFFLE, ...[8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7])];
    body.push(...op.localGet(ACC_LO), ...op.localGet(result), ...op.simd(F64X2_PROMOTE_LOW), ...op.simd(F64X2_ADD), ...op.localSet(ACC_LO));
    body.push(...op.localGet(ACC_HI), ...lanes23, ...op.simd(F64X2_PROMOTE_LOW), ...op.simd(F64X2_ADD), ...op.localSet(ACC_HI));
  } else {
    body.push(...op.localGet(OUT), ...op.localGet(result), ...op.simd(V128_STORE, ...memarg(2)), ...advance(OUT));
  }
  for (let j = 0; j < nInputs; j++) if (!(scalars & (1 << j))) body.push(...advance(inParam(j)));
  body.push(...op.localGet(COUNT), ...op.i32Const(1), ...op.i32Sub, ...op.localTee(COUNT), ...op.brIf(0), ...op.end);
  if (sum) {
    body.push(...op.localGet(OUT), ...op.localGet(ACC_LO), ...op.simd(V128_STORE, ...memarg(3)));
    body.push(...op.localGet(OUT), ...op.localGet(ACC_HI), ...op.simd(V128_STORE, ...memarg(3, 16)));
  }
  const locals = new Array<ValType>(nInputs + steps.length + 3).fill(ValType.v128);
  const params = new Array<ValType>(nParams).fill(ValType.i32);
  const text = [
    `(func $k (param $out i32) ${Array.from({ length: nInputs }, (_, j) => `(param $in${j} i32)`).join(' ')} (param $groups i32)`,
    `  (local v128 × ${locals.length})  ;; inputs' lanes, one per step, 1.0, two float64 sums`,
    disassemble(body),
    ')',
  ].join('\n');
  return { bytes: moduleBytes(params, locals, body, sharedMemory), text };
}
