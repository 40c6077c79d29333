import { setDebugLevel } from './debug.js';

/** Global settings, like theano.config; initialised from `TSANO_FLAGS=floatX=float32,device=cpu,debug=2`. */
export interface Config {
  floatX: 'float32' | 'float64';
  device: 'cpu' | 'gpu';
  gpuMode: string;
  mode: 'FAST_RUN' | 'FAST_COMPILE' | 'DEBUG_MODE' | 'NAN_GUARD';
  debug: number;
}

const defaults: Config = { floatX: 'float32', device: 'cpu', gpuMode: 'gpu', mode: 'FAST_RUN', debug: 0 };

const allowed: { [K in keyof Config]?: readonly string[] } = {
  floatX: ['float32', 'float64'],
  device: ['cpu', 'gpu'],
  mode: ['FAST_RUN', 'FAST_COMPILE', 'DEBUG_MODE', 'NAN_GUARD'],
};

/** Parses a TSANO_FLAGS string; unknown keys or values are errors that list what is accepted. */
export function parseFlags(flags: string): Partial<Config> {
  const out: Record<string, string | number> = {};
  for (const part of flags.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).trim();
    const value = eq < 0 ? '' : part.slice(eq + 1).trim();
    if (!(key in defaults)) throw new Error(`TSANO_FLAGS: unknown flag '${key}'; known flags: ${Object.keys(defaults).join(', ')}`);
    const ok = allowed[key as keyof Config];
    if (ok && !ok.includes(value)) throw new Error(`TSANO_FLAGS: ${key}=${value} is not one of ${ok.join(', ')}`);
    if (key === 'debug') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0 || n > 5) throw new Error(`TSANO_FLAGS: debug must be an integer 0..5; got '${value}'`);
      out[key] = n;
    } else out[key] = value;
  }
  return out as Partial<Config>;
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
    if (!(key in defaults)) throw new Error(`theano.config: unknown setting '${String(key)}'`);
    const ok = allowed[key as keyof Config];
    if (ok && !ok.includes(value as string)) throw new Error(`theano.config.${String(key)} must be one of ${ok.join(', ')}; got '${String(value)}'`);
    (target as unknown as Record<string, unknown>)[key as string] = value;
    if (key === 'debug') setDebugLevel(value as number);
    return true;
  },
});
