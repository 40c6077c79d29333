/**
 * A small WebAssembly binary writer for the kernels generated at run time (elementwise expressions): just the
 * sections and instructions they use. binaryen would do it too, but it is a 14 MB module that takes seconds to
 * load; these kernels are a few hundred bytes each.
 */

export const enum ValType {
  i32 = 0x7f,
  f32 = 0x7d,
  v128 = 0x7b,
}

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const utf8 = (s: string) => [...new TextEncoder().encode(s)];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];

/** Instructions, as byte sequences. SIMD ones are 0xfd and a LEB128 opcode. */
export const op = {
  localGet: (i: number) => [0x20, ...uleb(i)],
  localSet: (i: number) => [0x21, ...uleb(i)],
  localTee: (i: number) => [0x22, ...uleb(i)],
  i32Const: (v: number) => [0x41, ...sleb(v)],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  loop: [0x03, 0x40],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  end: [0x0b],
  simd: (code: number, ...imm: number[]) => [0xfd, ...uleb(code), ...imm],
};

/** memarg: alignment (log2) and offset. */
export const memarg = (alignLog2: number, offset = 0) => [...uleb(alignLog2), ...uleb(offset)];

/**
 * A module importing env.memory (shared or not, up to 4 GiB) and exporting one function `k` with the given
 * parameters (no results), locals and body (its final `end` is added here).
 */
export function moduleBytes(params: ValType[], locals: ValType[], body: number[], sharedMemory: boolean): Uint8Array {
  const type = section(1, vec([[0x60, ...vec(params.map((p) => [p])), 0]]));
  const limits = sharedMemory ? [0x03, ...uleb(1), ...uleb(65536)] : [0x01, ...uleb(1), ...uleb(65536)];
  const imports = section(2, vec([[...vec(utf8('env').map((b) => [b])), ...vec(utf8('memory').map((b) => [b])), 0x02, ...limits]]));
  const funcs = section(3, vec([uleb(0)]));
  const exports = section(7, vec([[...vec(utf8('k').map((b) => [b])), 0x00, ...uleb(0)]]));
  const localDecl = vec(locals.map((t) => [...uleb(1), t]));
  const code = [...localDecl, ...body, ...op.end];
  const codeSection = section(10, vec([[...uleb(code.length), ...code]]));
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...type, ...imports, ...funcs, ...exports, ...codeSection]);
}

const SIMD_NAMES: Record<number, string> = {
  0x00: 'v128.load',
  0x09: 'v128.load32_splat',
  0x0b: 'v128.store',
  0x0c: 'v128.const',
  0x0d: 'i8x16.shuffle',
  0x41: 'f32x4.eq',
  0x42: 'f32x4.ne',
  0x43: 'f32x4.lt',
  0x44: 'f32x4.gt',
  0x45: 'f32x4.le',
  0x46: 'f32x4.ge',
  0x4e: 'v128.and',
  0x50: 'v128.or',
  0x52: 'v128.bitselect',
  0x5f: 'f64x2.promote_low_f32x4',
  0xe0: 'f32x4.abs',
  0xe1: 'f32x4.neg',
  0xe3: 'f32x4.sqrt',
  0xe4: 'f32x4.add',
  0xe5: 'f32x4.sub',
  0xe6: 'f32x4.mul',
  0xe7: 'f32x4.div',
  0xe9: 'f32x4.max',
  0xf0: 'f64x2.add',
};

/** WAT-like text of a function body written with `op` (for f.kernels()): one instruction per line. */
export function disassemble(body: readonly number[]): string {
  const lines: string[] = [];
  let p = 0;
  let depth = 1;
  const u = () => {
    let n = 0;
    let shift = 0;
    for (;;) {
      const b = body[p++]!;
      n |= (b & 0x7f) << shift;
      shift += 7;
      if (!(b & 0x80)) return n >>> 0;
    }
  };
  const s = () => {
    let n = 0;
    let shift = 0;
    let b: number;
    do {
      b = body[p++]!;
      n |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    return shift < 32 && b & 0x40 ? n | (-1 << shift) : n;
  };
  const emit = (text: string) => lines.push(`${'  '.repeat(depth)}${text}`);
  while (p < body.length) {
    const code = body[p++]!;
    if (code === 0x20 || code === 0x21 || code === 0x22) emit(`${['local.get', 'local.set', 'local.tee'][code - 0x20]} ${u()}`);
    else if (code === 0x41) emit(`i32.const ${s()}`);
    else if (code === 0x6a || code === 0x6b) emit(code === 0x6a ? 'i32.add' : 'i32.sub');
    else if (code === 0x03) {
      p++;
      emit('loop');
      depth++;
    } else if (code === 0x0d) emit(`br_if ${u()}`);
    else if (code === 0x0b) {
      depth--;
      emit('end');
    } else if (code === 0xfd) {
      const sub = u();
      const name = SIMD_NAMES[sub] ?? `simd 0x${sub.toString(16)}`;
      if (sub === 0x0c) {
        const lanes = new Float32Array(new Uint8Array(body.slice(p, p + 16)).buffer);
        p += 16;
        emit(`${name} f32x4 ${Array.from(lanes).join(' ')}`);
      } else if (sub === 0x0d) {
        emit(`${name} ${body.slice(p, p + 16).join(' ')}`);
        p += 16;
      } else if (sub === 0x00 || sub === 0x09 || sub === 0x0b) {
        const align = u();
        const offset = u();
        emit(`${name} offset=${offset} align=${2 ** align}`);
      } else emit(name);
    } else emit(`;; 0x${code.toString(16)}`);
  }
  return lines.join('\n');
}
