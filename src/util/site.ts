import { fileURLToPath } from 'node:url';
import { dirname, sep } from 'node:path';

// The library's own source folder: frames inside it are not the user's.
const librarySrc = dirname(dirname(fileURLToPath(import.meta.url))) + sep;

/** Where the user created a node: the first stack frame outside tsano's src/ and Node's internals. */
export function userCallSite(): string | undefined {
  // Structured frames (V8's CallSite objects) avoid formatting and parsing the whole stack as text.
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
    let file = frame.getFileName() ?? '';
    if (!file) continue;
    if (file.startsWith('file://')) file = fileURLToPath(file);
    if (file.startsWith(librarySrc) || file.startsWith('node:') || file.includes(`${sep}node_modules${sep}`)) continue;
    return `${shortPath(file)}:${frame.getLineNumber() ?? '?'}`;
  }
  return undefined;
}

function shortPath(file: string): string {
  const cwd = process.cwd() + sep;
  return file.startsWith(cwd) ? file.slice(cwd.length) : file;
}
