/** File helpers shared by the network3 commands. */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';

/**
 * Writes a file atomically: a uniquely named temporary file in the same folder, fsynced, then renamed over the
 * target, so a crash leaves the old file or the new one, never a mix. (Networks are saved with theano.save, which
 * does the same for parameter files; this is for results, curves and pictures.)
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx');
    for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** `base` without its extension, plus `suffix`: ('out/r.json', '.svg') → 'out/r.svg'. */
export function besideResults(resultsPath: string, suffix: string): string {
  const ext = extname(resultsPath);
  return (ext ? resultsPath.slice(0, -ext.length) : resultsPath) + suffix;
}
