import { fileURLToPath } from 'node:url';
import { dirname, sep } from 'node:path';

// The library's own source folder: frames inside it are not the user's.
const librarySrc = dirname(dirname(fileURLToPath(import.meta.url))) + sep;

/** Where the user created a node: the first stack frame outside tsano's src/ and Node's internals. */
export function userCallSite(): string | undefined {
  const stack = new Error().stack;
  if (!stack) return undefined;
  for (const line of stack.split('\n').slice(1)) {
    const m = /\(?((?:file:\/\/)?[^\s()]+):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (!m) continue;
    let file = m[1]!;
    if (file.startsWith('file://')) file = fileURLToPath(file);
    if (file.startsWith(librarySrc) || file.startsWith('node:') || file.includes(`${sep}node_modules${sep}`)) continue;
    return `${shortPath(file)}:${m[2]}`;
  }
  return undefined;
}

function shortPath(file: string): string {
  const cwd = process.cwd() + sep;
  return file.startsWith(cwd) ? file.slice(cwd.length) : file;
}
