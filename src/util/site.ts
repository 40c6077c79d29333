// No node: imports here: this module also runs in a browser bundle (playground/), where stack frames carry
// http: URLs (or none, for code made by `new Function`). Paths are compared with '/' separators.

/** A frame's file as a '/'-separated path (file: URLs decoded); other URLs are left as they are. */
function toPath(file: string): string {
  if (file.startsWith('file://')) {
    file = decodeURIComponent(new URL(file).pathname);
    if (/^\/[A-Za-z]:\//.test(file)) file = file.slice(1); // file:///C:/x → C:/x
  }
  return file.replace(/\\/g, '/');
}

// The library's own source folder: frames inside it are not the user's.
const librarySrc = toPath(new URL('..', import.meta.url).href);

type SourceMapLookup = (file: string) => { findEntry(line: number, column: number): { originalSource?: string; originalLine?: number } } | undefined;
const findSourceMap: SourceMapLookup | undefined = (() => {
  const get = typeof process !== 'undefined' ? (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule : undefined;
  return (get?.('node:module') as { findSourceMap?: SourceMapLookup } | undefined)?.findSourceMap;
})();

/**
 * Where the user created a node: the first stack frame outside tsano's src/ and Node's internals, as a position in
 * the user's own source. V8's structured frames are cheap but give positions in transpiled code, so the one frame
 * found is mapped back: by the stack formatter a tool installed (vitest, source-map-support), or by Node's source
 * maps (tsx, --enable-source-maps).
 */
export function userCallSite(): string | undefined {
  if (typeof Error.captureStackTrace !== 'function') return undefined; // not V8
  const prepare = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  Error.prepareStackTrace = (_e, frames) => frames;
  Error.stackTraceLimit = 30;
  const holder: { stack?: NodeJS.CallSite[] } = {};
  Error.captureStackTrace(holder, userCallSite);
  const frames = holder.stack;
  Error.prepareStackTrace = prepare;
  Error.stackTraceLimit = limit;
  if (!Array.isArray(frames)) return undefined;
  for (const frame of frames) {
    const name = frame.getFileName() ?? '';
    if (!name) continue;
    const file = toPath(name);
    if (file.startsWith(librarySrc) || file.startsWith('node:') || file.includes('/node_modules/')) continue;
    return mapped(frame, name, prepare) ?? `${shortPath(file)}:${frame.getLineNumber() ?? '?'}`;
  }
  return undefined;
}

function mapped(frame: NodeJS.CallSite, name: string, prepare: typeof Error.prepareStackTrace): string | undefined {
  const line = frame.getLineNumber();
  const column = frame.getColumnNumber();
  if (line === null || column === null) return undefined;
  try {
    if (prepare) {
      const text = String(prepare(new Error(), [frame]));
      const m = /((?:[a-z]+:\/\/)?[^\s()]+):(\d+):\d+\)?\s*$/.exec(text.trim());
      return m ? `${shortPath(toPath(m[1]!))}:${m[2]}` : undefined;
    }
    const entry = findSourceMap?.(name)?.findEntry(line - 1, column - 1);
    if (entry?.originalLine !== undefined && entry.originalSource) return `${shortPath(toPath(entry.originalSource))}:${entry.originalLine + 1}`;
  } catch {
    // A formatter or source map that fails leaves the transpiled position.
  }
  return undefined;
}

function shortPath(file: string): string {
  if (typeof process === 'undefined' || typeof process.cwd !== 'function') return file;
  const cwd = toPath(process.cwd()) + '/';
  return file.startsWith(cwd) ? file.slice(cwd.length) : file;
}
