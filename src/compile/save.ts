/**
 * `theano.save`, `theano.load`, `theano.loadInto`: parameters to and from files (format in param-format.ts).
 * Node's modules are reached through `process.getBuiltinModule` at call time, not static imports, so the library
 * still bundles for a browser; there these functions throw, while encodeParams/decodeParams keep working.
 */
import type * as Fs from 'node:fs';
import { NDArray } from '../ir/ndarray.js';
import { SharedVariable } from '../ir/variable.js';
import { formatShape, sameShape } from '../util/shape.js';
import { FormatError, TsanoError } from '../util/errors.js';
import { decodeParams, encodeParams, type ParamFile } from './param-format.js';

export { encodeParams, decodeParams, type ParamFile } from './param-format.js';

/** What `theano.load` returns; `source` (the path) names the file in `loadInto`'s messages. */
export interface LoadedParams extends ParamFile {
  source?: string;
}

function node(op: string): { fs: typeof Fs; path: typeof import('node:path'); crypto: typeof import('node:crypto') } {
  if (typeof process === 'undefined' || typeof process.getBuiltinModule !== 'function') {
    throw new TsanoError(
      `${op}: files need Node.js 20.16 or later (process.getBuiltinModule is missing here); in a browser, keep parameters with getValue and setValue`,
    );
  }
  return { fs: process.getBuiltinModule('node:fs'), path: process.getBuiltinModule('node:path'), crypto: process.getBuiltinModule('node:crypto') };
}

function ioError(op: string, verb: string, file: string, e: unknown): TsanoError {
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such file or folder' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (e as Error).message;
  return Object.assign(new TsanoError(`${op}: cannot ${verb} '${file}' (${why}); check the path and its folder`), { cause: e });
}

/**
 * Saves named parameters (shared variables or NDArrays) and JSON `meta` to `file`, atomically: the bytes go to a
 * uniquely named temporary file in the same folder, are fsynced, then renamed over `file`, so a crash at any point
 * leaves either the old file or the new one, never a mix.
 */
export function save(file: string, params: Record<string, SharedVariable | NDArray>, meta?: unknown): void {
  const op = 'theano.save';
  const { fs, path, crypto } = node(op);
  // fromEntries, not assignment: a parameter named '__proto__' must stay a parameter.
  const arrays: Record<string, NDArray> = Object.fromEntries(
    Object.entries(params).map(([name, p]) => {
      if (p instanceof SharedVariable) return [name, p.getValue({ borrow: true })];
      if (p instanceof NDArray) return [name, p];
      throw new TsanoError(`${op}: parameter '${name}' is neither a shared variable nor an NDArray; pass theano.shared(...) values or NDArrays`);
    }),
  );
  const bytes = encodeParams(arrays, meta, op);
  const target = path.resolve(file);
  const dir = path.dirname(target);
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, 'wx');
    // writeSync may write less than asked, and one call cannot take 2 GiB: write in chunks until done.
    for (let off = 0; off < bytes.length;) off += fs.writeSync(fd, bytes, off, Math.min(bytes.length - off, 1 << 24));
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, target);
  } catch (e) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw ioError(op, 'write', file, e);
  }
  // Persist the rename itself (the directory entry); not every platform can open a folder, hence best effort.
  try {
    const dfd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(dfd);
    } finally {
      fs.closeSync(dfd);
    }
  } catch {
    /* the data is safe; only the rename's durability after a power cut is not guaranteed here */
  }
}

/** Loads a file written by `save`; a damaged or foreign file is a FormatError naming the file and the check. */
export function load(file: string): LoadedParams {
  const op = 'theano.load';
  const { fs } = node(op);
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw ioError(op, 'read', file, e);
  }
  return { ...decodeParams(bytes, file, op), source: file };
}

/**
 * Loads `from` (a path, or what `load` returned) into shared variables by name. Every name, dtype and shape must
 * match exactly; if any does not, a FormatError lists each mismatch and no variable is changed.
 */
export function loadInto(from: string | LoadedParams, targets: Record<string, SharedVariable>): { meta: unknown } {
  const op = 'theano.loadInto';
  const loaded = typeof from === 'string' ? load(from) : from;
  const source = loaded.source ?? 'the loaded parameters';
  const problems: string[] = [];
  for (const [name, v] of Object.entries(targets)) {
    if (!(v instanceof SharedVariable)) throw new TsanoError(`${op}: target '${name}' is not a shared variable; pass theano.shared(...) values`);
    const got = Object.hasOwn(loaded.params, name) ? loaded.params[name]! : undefined;
    const want = v.getValue({ borrow: true });
    if (!got) problems.push(`'${name}' is missing from the file`);
    else if (got.dtype !== want.dtype || !sameShape(got.shape, want.shape)) {
      problems.push(`'${name}' expected ${want.dtype} ${formatShape(want.shape)}, found ${got.dtype} ${formatShape(got.shape)}`);
    }
  }
  const extra = Object.keys(loaded.params).filter((name) => !Object.hasOwn(targets, name));
  if (extra.length) problems.push(`the file also has ${extra.map((n) => `'${n}'`).join(', ')}, which no target takes`);
  if (problems.length) {
    throw new FormatError(
      `${op}: parameters do not match '${source}'; ${problems.join('; ')}; nothing was changed (load the file with theano.load to see what it holds)`,
    );
  }
  // Arrays we decoded ourselves belong to no one else: hand them over. A caller's LoadedParams is copied.
  for (const [name, v] of Object.entries(targets)) v.setValue(loaded.params[name]!, { borrow: typeof from === 'string' });
  return { meta: loaded.meta };
}
