// Child process for save.test.ts's crash tests: saves a large parameter file over `target`, to be killed mid-write.
//   node --import tsx test/compile/save-crash-child.ts <target> <megabytes> <pause|free>
// `pause` stops inside the write, after the first chunk reached the temporary file, and says "mid-write" on stdout,
// so the parent kills it at a known point; `free` runs unhindered (the parent kills it when it sees the temp file).
import fs from 'node:fs';
import { save } from '../../src/compile/save.js';
import { NDArray } from '../../src/ir/ndarray.js';

const [target, megabytes, mode] = process.argv.slice(2);
const n = (Number(megabytes) * 2 ** 20) / 4;
const data = new Float32Array(n);
for (let i = 0; i < n; i++) data[i] = i % 1000;

const write = fs.writeSync;
if (mode === 'pause') {
  // save.ts reaches fs through process.getBuiltinModule('node:fs'), the same object as this default import.
  let calls = 0;
  fs.writeSync = ((...args: Parameters<typeof fs.writeSync>) => {
    const written = (write as (...a: unknown[]) => number)(...args);
    if (args[0] !== 1 && ++calls === 1) {
      write(1, 'mid-write\n');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
    }
    return written;
  }) as typeof fs.writeSync;
}
write(1, 'saving\n');
save(target!, { big: new NDArray('float32', [n], data) }, { version: 'new' });
write(1, 'done\n');
