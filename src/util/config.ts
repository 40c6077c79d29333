import { setDebugLevel } from './debug.js';
import { TsanoError } from './errors.js';

/** Global settings, like theano.config; initialised from `TSANO_FLAGS=floatX=float32,device=cpu,debug=2`. */
export interface Config {
  floatX: 'float32' | 'float64';
  device: 'cpu' | 'gpu';
  /** gpu.js mode for device=gpu: 'gpu' (gpu.js chooses), 'headlessgl', 'webgl2', 'webgl', 'webgpu', 'webasm', 'cpu'. */
  gpuMode: string;
  /** device=gpu only: a GPU mode that cannot start is an error instead of a fallback to the CPU (Theano's force_device). */
  forceDevice: boolean;
  mode: 'FAST_RUN' | 'FAST_COMPILE' | 'DEBUG_MODE' | 'NAN_GUARD';
  debug: number;
  /** The most memory, in MiB, that one compiled function's buffers may take for one shape signature. */
  memoryLimit: number;
  /**
   * 'auto': float32 products and convolutions run as WebAssembly SIMD kernels where the engine has them, with fused
   * multiply-adds (relaxed SIMD) where it has those; 'simd': the same with separate multiplies and adds; 'off': plain JS.
   */
  wasm: 'auto' | 'simd' | 'off';
  /** Threads for large wasm kernels: 0 (default) follows the machine (os.availableParallelism()), 1 keeps to one. */
  threads: number;
}

const defaults: Config = {
  floatX: 'float32',
  device: 'cpu',
  gpuMode: 'gpu',
  forceDevice: false,
  mode: 'FAST_RUN',
  debug: 0,
  memoryLimit: 4096,
  wasm: 'auto',
  threads: 0,
};

const allowed: { [K in keyof Config]?: readonly string[] } = {
  floatX: ['float32', 'float64'],
  device: ['cpu', 'gpu'],
  gpuMode: ['gpu', 'cpu', 'webasm', 'headlessgl', 'webgl', 'webgl2', 'webgpu'],
  mode: ['FAST_RUN', 'FAST_COMPILE', 'DEBUG_MODE', 'NAN_GUARD'],
  wasm: ['auto', 'simd', 'off'],
};

/** Parses a TSANO_FLAGS string; unknown keys or values are errors that list what is accepted. */
export function parseFlags(flags: string): Partial<Config> {
  const out: Record<string, string | number | boolean> = {};
  for (const part of flags
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).trim();
    const value = eq < 0 ? '' : part.slice(eq + 1).trim();
    if (!(key in defaults)) throw new TsanoError(`TSANO_FLAGS: unknown flag '${key}'; known flags: ${Object.keys(defaults).join(', ')}`);
    const ok = allowed[key as keyof Config];
    if (ok && !ok.includes(value)) throw new TsanoError(`TSANO_FLAGS: ${key}=${value} is not one of ${ok.join(', ')}`);
    if (key === 'debug' || key === 'memoryLimit' || key === 'threads') out[key] = checkNumber(key, Number(value), `TSANO_FLAGS: ${key}`);
    else if (key === 'forceDevice') out[key] = checkBoolean(value, `TSANO_FLAGS: ${key}`);
    else out[key] = value;
  }
  return out as Partial<Config>;
}

function checkBoolean(value: unknown, label: string): boolean {
  if (value === true || value === 'true' || value === 'True' || value === '1') return true;
  if (value === false || value === 'false' || value === 'False' || value === '0') return false;
  throw new TsanoError(`${label} must be true or false; got '${String(value)}'`);
}

function checkNumber(key: 'debug' | 'memoryLimit' | 'threads', n: number, label: string): number {
  if (key === 'threads' && (!Number.isInteger(n) || n < 0 || n > 256))
    throw new TsanoError(`${label} must be an integer 0..256 (0: as many as the machine has); got '${n}'`);
  if (key === 'debug' && (!Number.isInteger(n) || n < 0 || n > 5)) throw new TsanoError(`${label} must be an integer 0..5; got '${n}'`);
  if (key === 'memoryLimit' && !(n > 0 && Number.isFinite(n))) throw new TsanoError(`${label} must be a positive number of MiB; got '${n}'`);
  return n;
}

function initial(): Config {
  const env = typeof process !== 'undefined' ? process.env.TSANO_FLAGS : undefined;
  return { ...defaults, ...(env ? parseFlags(env) : {}) };
}

const state: Config = initial();
setDebugLevel(state.debug);

/** The live configuration object (`theano.config`); setting `debug` takes effect at once. */
export const config: Config = new Proxy(state, {
  set(target, key, value) {
    if (!(key in defaults)) throw new TsanoError(`theano.config: unknown setting '${String(key)}'`);
    const ok = allowed[key as keyof Config];
    if (ok && !ok.includes(value as string)) throw new TsanoError(`theano.config.${String(key)} must be one of ${ok.join(', ')}; got '${String(value)}'`);
    if (key === 'debug' || key === 'memoryLimit' || key === 'threads') checkNumber(key, typeof value === 'number' ? value : NaN, `theano.config.${key}`);
    if (key === 'forceDevice' && typeof value !== 'boolean') checkBoolean(undefined, `theano.config.${key}`);
    (target as unknown as Record<string, unknown>)[key as string] = value;
    if (key === 'debug') setDebugLevel(value as number);
    return true;
  },
});
