/**
 * Feature detection and eager compilation for WebAssembly kernels. No static `node:` imports: this layer also runs in
 * a browser bundle; Node's v8 module is reached through `process.getBuiltinModule` where it exists.
 */

// The project's lib (ES2022, no DOM) does not declare WebAssembly's JS API: the little used here, typed locally.
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
export type WasmModule = object;
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: object };
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}
/** The engine's WebAssembly object, or undefined where there is none. */
export const wasmApi: WasmApi | undefined = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

// (module (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt)), as wasm-feature-detect's probe.
const simdProbe = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, 0x03, 0x02, 0x01, 0x00, 0x0a, 0x0a, 0x01, 0x08, 0x00, 0x41, 0x00,
  0xfd, 0x0f, 0xfd, 0x62, 0x0b,
]);

let simd: boolean | undefined;

/** Whether this engine runs WebAssembly with 128-bit SIMD (f32x4). */
export function wasmSimdAvailable(): boolean {
  if (simd === undefined) {
    simd = false;
    try {
      simd = wasmApi !== undefined && wasmApi.validate(simdProbe);
    } catch {
      simd = false;
    }
  }
  return simd;
}

type V8 = { setFlagsFromString(flags: string): void };
const v8: V8 | undefined = (() => {
  const get = typeof process !== 'undefined' ? (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule : undefined;
  try {
    return get?.('node:v8') as V8 | undefined;
  } catch {
    return undefined;
  }
})();

/**
 * Compiles a module with V8's optimizing tier at once. By default V8 runs new wasm in its baseline tier (Liftoff,
 * several times slower for these kernels) and compiles functions lazily; the flags are switched only around this
 * compile and then set back to V8's defaults (a global --no-liftoff makes binaryen itself slow to start).
 */
export function compileEagerly(bytes: Uint8Array): WasmModule {
  if (!wasmApi) throw new Error('this engine has no WebAssembly');
  if (!v8) return new wasmApi.Module(bytes);
  v8.setFlagsFromString('--no-liftoff');
  v8.setFlagsFromString('--no-wasm-lazy-compilation');
  try {
    return new wasmApi.Module(bytes);
  } finally {
    v8.setFlagsFromString('--liftoff');
    v8.setFlagsFromString('--wasm-lazy-compilation');
  }
}

/**
 * Whether `bytes` (a module using relaxed SIMD) validates here. Node 20's V8 has relaxed SIMD behind
 * --experimental-wasm-relaxed-simd: the flag is switched on for the process when that makes the module valid
 * (later engines ship it on; then nothing is changed).
 */
export function relaxedSimdValidates(bytes: Uint8Array): boolean {
  if (!wasmApi) return false;
  try {
    if (wasmApi.validate(bytes)) return true;
    if (!v8) return false;
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
    return wasmApi.validate(bytes);
  } catch {
    return false;
  }
}
