/** File helpers shared by the network3 commands. */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';

/** Writes a file atomically: a temporary file in the same folder, then a rename over the target. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** `base` without its extension, plus `suffix`: ('out/r.json', '.svg') → 'out/r.svg'. */
export function besideResults(resultsPath: string, suffix: string): string {
  const ext = extname(resultsPath);
  return (ext ? resultsPath.slice(0, -ext.length) : resultsPath) + suffix;
}
