// theano.save / load / loadInto and the parameter file format: exact round trips of every dtype, a FormatError
// naming the check and the file for each kind of damage, loadInto's all-or-nothing checks, and atomic writes
// (a child process killed with SIGKILL in the middle of a save leaves the old file intact).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as theano from '../../src/index.js';
import { FormatError, NDArray, TsanoError } from '../../src/index.js';
import { decodeParams, encodeParams, sha256, sha256js } from '../../src/compile/param-format.js';
import { createHash } from 'node:crypto';

const ROOT = join(import.meta.dirname, '..', '..');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsano-save-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bytesOf = (a: NDArray): Uint8Array => new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
const expectSameArray = (got: NDArray | undefined, want: NDArray): void => {
  expect(got).toBeInstanceOf(NDArray);
  expect([got!.dtype, got!.shape]).toEqual([want.dtype, want.shape]);
  expect(got!.data.constructor).toBe(want.data.constructor);
  expect(Buffer.from(bytesOf(got!)).equals(Buffer.from(bytesOf(want)))).toBe(true); // bit-exact: NaN, -0 included
};

const SAMPLES: Record<string, NDArray> = {
  f32: theano.ndarray(new Float32Array([1.5, -0, NaN, Infinity, -Infinity, 1e-45, 3.4028234663852886e38, 0.1]), [2, 4]),
  f64: theano.ndarray(new Float64Array([1 / 3, -0, NaN, Number.MIN_VALUE, Number.MAX_VALUE, -1e-300]), [3, 1, 2]),
  i32: theano.ndarray(new Int32Array([-(2 ** 31), 2 ** 31 - 1, 0, -1, 12345]), [5]),
  u8: theano.ndarray(new Uint8Array([0, 1, 127, 128, 255]), [5], 'uint8'),
  flags: theano.ndarray(
    [
      [true, false],
      [false, true],
    ],
    [2, 2],
    'bool',
  ),
  scalar: NDArray.scalar(2.5, 'float64'),
  empty: NDArray.zeros('float32', [2, 0, 3]),
  'layer0.w/ü': theano.ndarray([7], [1], 'int32'),
};
// A name that must stay data, not become a prototype (an object literal would treat it specially).
const samples: Record<string, NDArray> = Object.fromEntries([...Object.entries(SAMPLES), ['__proto__', theano.ndarray([9], [1], 'float32')]]);

describe('round trip', () => {
  it('keeps every dtype bit-exact, names, shapes and meta (file and pure encoding)', () => {
    const meta = { epoch: 12, note: 'ünïcode', nested: { lr: [0.1, 0.01] }, ok: true, none: null };
    const file = join(dir, 'all.tsano');
    theano.save(file, samples, meta);
    const fromFile = theano.load(file);
    const fromBytes = decodeParams(encodeParams(samples, meta));
    for (const loaded of [fromFile, fromBytes]) {
      expect(Object.keys(loaded.params)).toEqual(Object.keys(samples));
      for (const [name, a] of Object.entries(samples)) expectSameArray(Object.hasOwn(loaded.params, name) ? loaded.params[name] : undefined, a);
      expect(loaded.meta).toEqual(meta);
    }
    expect(fromFile.source).toBe(file);
    expect(Buffer.from(readFileSync(file)).equals(Buffer.from(encodeParams(samples, meta)))).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('saves shared variables by value, meta defaults to null, an empty set works, a save replaces the file', () => {
    const w = theano.shared(theano.ndarray([[1, 2, 3]], [1, 3], 'float64'), { name: 'w' });
    const file = join(dir, 'shared.tsano');
    theano.save(file, { w });
    expect(theano.load(file).meta).toBeNull();
    expectSameArray(theano.load(file).params['w'], w.getValue());
    theano.save(file, {}, { empty: true });
    expect(theano.load(file)).toMatchObject({ params: {}, meta: { empty: true } });
  });

  it('lays the format out as documented: magic, version, little-endian arrays at 8-byte-aligned offsets', () => {
    const bytes = encodeParams({ a: theano.ndarray([1, 2], [2], 'int32'), b: theano.ndarray([0.5], [1], 'float64') }, { m: 1 });
    const dv = new DataView(bytes.buffer);
    expect(Buffer.from(bytes.subarray(0, 6)).toString('latin1')).toBe('TSANO\0');
    expect(dv.getUint32(6, true)).toBe(1);
    const h = dv.getUint32(10, true);
    const header = JSON.parse(Buffer.from(bytes.subarray(46, 46 + h)).toString('utf8'));
    expect(header.params).toEqual([
      { name: 'a', dtype: 'int32', shape: [2], offset: 0, bytes: 8 },
      { name: 'b', dtype: 'float64', shape: [1], offset: 8, bytes: 8 },
    ]);
    const start = Math.ceil((46 + h) / 8) * 8;
    expect([dv.getInt32(start, true), dv.getInt32(start + 4, true), dv.getFloat64(start + 8, true)]).toEqual([1, 2, 0.5]);
    expect(header.sha256).toBe(createHash('sha256').update(bytes.subarray(start)).digest('hex'));
  });

  it('the plain-JS SHA-256 (for browsers) agrees with node:crypto at every block boundary', () => {
    for (const n of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 1000, 70_001]) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 131 + 7) & 255);
      const want = createHash('sha256').update(data).digest('hex');
      expect(Buffer.from(sha256js(data.subarray(0))).toString('hex'), `length ${n}`).toBe(want);
      expect(Buffer.from(sha256(data)).toString('hex')).toBe(want);
    }
    const offset = new Uint8Array(100).fill(3).subarray(5, 77); // a view that does not start its buffer
    expect(Buffer.from(sha256js(offset)).toString('hex')).toBe(createHash('sha256').update(offset).digest('hex'));
  });
});

describe('damaged and foreign files: FormatError naming the check and the file', () => {
  let good: Uint8Array;
  let payloadStart: number;
  beforeAll(() => {
    good = encodeParams(
      {
        w: theano.ndarray(
          new Float32Array(64).map((_, i) => i),
          [8, 8],
        ),
        b: theano.ndarray([1, 2, 3], [3], 'int32'),
      },
      { epoch: 3 },
    );
    payloadStart = Math.ceil((46 + new DataView(good.buffer).getUint32(10, true)) / 8) * 8;
  });

  let k = 0;
  const expectLoadError = (bytes: Uint8Array, check: RegExp): string => {
    const file = join(dir, `bad-${k++}.tsano`);
    writeFileSync(file, bytes);
    let err: unknown;
    try {
      theano.load(file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FormatError);
    const msg = (err as Error).message;
    expect(msg.startsWith('theano.load: ')).toBe(true);
    expect(msg).toMatch(check);
    expect(msg).toContain(`'${file}'`);
    return msg;
  };
  const edited = (edit: (b: Uint8Array) => void): Uint8Array => {
    const b = good.slice();
    edit(b);
    return b;
  };
  /** A file laid out by hand (not by encodeParams), with a valid header checksum. */
  const assemble = (headerText: string | Uint8Array, payload: Uint8Array, version = 1): Uint8Array => {
    const header = typeof headerText === 'string' ? new TextEncoder().encode(headerText) : headerText;
    const start = Math.ceil((46 + header.length) / 8) * 8;
    const out = new Uint8Array(start + payload.length);
    out.set(new TextEncoder().encode('TSANO\0'));
    new DataView(out.buffer).setUint32(6, version, true);
    new DataView(out.buffer).setUint32(10, header.length, true);
    out.set(createHash('sha256').update(header).digest(), 14);
    out.set(header, 46);
    out.set(payload, start);
    return out;
  };
  const hashOf = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

  it('a file truncated at any point: "truncated file"', () => {
    for (const at of [0, 3, 6, 12, 45, 46, 60, payloadStart - 1, payloadStart, payloadStart + 5, good.length - 1]) {
      expect(expectLoadError(good.subarray(0, at), /: truncated file in '.*' \(\d+ bytes, .*\); the write was cut short/)).toBeTruthy();
    }
  });

  it('a flipped byte in the payload: "checksum mismatch"', () => {
    for (const at of [payloadStart, payloadStart + 100, good.length - 1]) {
      expectLoadError(
        edited((b) => (b[at]! ^= 0x10)),
        /: checksum mismatch in '.*' \(expected [0-9a-f]{64}, found [0-9a-f]{64}\); the file is corrupted/,
      );
    }
  });

  it('a flipped byte in the header or its stored checksum: "header checksum mismatch"', () => {
    for (const at of [14, 50, payloadStart - 30]) {
      expectLoadError(
        edited((b) => (b[at]! ^= 0x01)),
        /: header checksum mismatch in '.*' \(expected [0-9a-f]{64}, found [0-9a-f]{64}\); the file is corrupted/,
      );
    }
  });

  it('wrong magic, and a JSON or empty-looking file: "wrong magic"', () => {
    expectLoadError(
      edited((b) => (b[0] = 0x58)),
      /: wrong magic in '.*' \(it starts with .*, expected "TSANO\\0"\); it is not a tsano parameter file/,
    );
    expectLoadError(new TextEncoder().encode('{"format":"tsano-network3"}'), /wrong magic/);
  });

  it('a future or unknown version: "unknown format version"', () => {
    expectLoadError(
      edited((b) => new DataView(b.buffer).setUint32(6, 2, true)),
      /: unknown format version in '.*' \(version 2; this tsano reads version 1\); it was saved by a newer tsano: upgrade/,
    );
    expectLoadError(
      edited((b) => new DataView(b.buffer).setUint32(6, 0, true)),
      /unknown format version .*version 0;/,
    );
  });

  it('a header that does not parse (not JSON, not UTF-8, missing fields): "header does not parse"', () => {
    const payload = new Uint8Array(8);
    expectLoadError(assemble('{"params": [', payload), /: header does not parse in '.*'/);
    expectLoadError(assemble(new Uint8Array([0x7b, 0xff, 0x7d]), payload), /header does not parse .*\(The encoded data was not valid/);
    expectLoadError(assemble('{"params":[]}', payload), /header does not parse in '.*' \(missing params, payloadBytes or sha256\)/);
    expectLoadError(
      assemble(`{"params":[{"name":"w","dtype":"int64","shape":[1],"offset":0,"bytes":8}],"payloadBytes":8,"sha256":"${hashOf(payload)}"}`, payload),
      /header does not parse .*entry 0/,
    );
  });

  it('sizes that do not add up: bytes vs shape, offsets past the payload, overlaps, trailing bytes', () => {
    const payload = new Uint8Array(16);
    const sum = hashOf(payload);
    const hdr = (params: object[], payloadBytes = 16): string => JSON.stringify({ params, payloadBytes, sha256: sum, meta: null });
    const e = (name: string, shape: number[], offset: number, bytes: number): object => ({ name, dtype: 'float32', shape, offset, bytes });
    expectLoadError(
      assemble(hdr([e('w', [3], 0, 8)]), payload),
      /: sizes do not add up in '.*' \(parameter 'w' \(float32, shape \(3,\)\) has 8 bytes, but its shape needs 12\)/,
    );
    expectLoadError(assemble(hdr([e('w', [4], 8, 16)]), payload), /sizes do not add up .*'w'.* past the end/);
    expectLoadError(assemble(hdr([e('a', [2], 0, 8), e('b', [2], 4, 8)]), payload), /sizes do not add up .*'b'.*overlapping/);
    expectLoadError(assemble(hdr([e('a', [1], 0, 4), e('a', [1], 8, 4)]), payload), /sizes do not add up .*'a'.* appears twice/);
    expectLoadError(
      new Uint8Array([...good, 0, 0, 0, 0, 0, 0, 0, 0]),
      /sizes do not add up in '.*' \(\d+ bytes, but its header says \d+\); something was appended/,
    );
  });

  it('decodeParams (pure) raises the same errors, naming the source it is given', () => {
    expect(() => decodeParams(good.subarray(0, 30), 'upload.bin')).toThrow(FormatError);
    expect(() => decodeParams(good.subarray(0, 30), 'upload.bin')).toThrow(/^decodeParams: truncated file in 'upload.bin'/);
    expect(() => decodeParams(good.subarray(0, 30))).toThrow(/in 'the bytes'/);
  });

  it('a missing file or folder is an I/O TsanoError naming the path; a failed save leaves no temporary file', () => {
    const missing = join(dir, 'nope.tsano');
    expect(() => theano.load(missing)).toThrow(TsanoError);
    expect(() => theano.load(missing)).toThrow(`theano.load: cannot read '${missing}' (no such file or folder)`);
    const noDir = join(dir, 'no-such-dir', 'x.tsano');
    expect(() => theano.save(noDir, { a: theano.ndarray([1]) })).toThrow(`theano.save: cannot write '${noDir}' (no such file or folder)`);
    expect(() => theano.save(join(dir, 'x.tsano'), { a: [1, 2] as unknown as NDArray })).toThrow(
      /theano.save: parameter 'a' is neither a shared variable nor an NDArray/,
    );
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(() => theano.save(join(dir, 'x.tsano'), {}, cyclic)).toThrow(/theano.save: meta cannot be written as JSON/);
    expect(() => theano.save(join(dir, 'x.tsano'), {}, () => 1)).toThrow(/theano.save: meta cannot be written as JSON; it is a function/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('without Node (a browser) save and load say they need Node; the module has no static node: imports', () => {
    const proc = process as { getBuiltinModule?: unknown };
    const original = proc.getBuiltinModule;
    proc.getBuiltinModule = undefined;
    try {
      expect(() => theano.save(join(dir, 'x.tsano'), {})).toThrow(/^theano.save: files need Node.js 20.16 or later/);
      expect(() => theano.load(join(dir, 'x.tsano'))).toThrow(/^theano.load: files need Node.js 20.16 or later/);
      expect(decodeParams(encodeParams({ a: theano.ndarray([1]) })).params['a']!.item()).toBe(1); // pure JS hash
    } finally {
      proc.getBuiltinModule = original;
    }
    for (const f of ['save.ts', 'param-format.ts']) {
      const text = readFileSync(join(ROOT, 'src', 'compile', f), 'utf8');
      expect(text.match(/^import (?!type ).*'node:[^']+';$/gm), f).toBeNull();
    }
  });
});

describe('loadInto', () => {
  const setup = () => {
    const w = theano.shared(
      theano.ndarray(
        [
          [1, 2],
          [3, 4],
        ],
        [2, 2],
        'float32',
      ),
      { name: 'w' },
    );
    const b = theano.shared(theano.ndarray([5, 6], [2], 'float32'), { name: 'b' });
    const steps = theano.shared(theano.ndarray([0], [1], 'int32'), { name: 'steps' });
    return { w, b, steps };
  };

  it('sets every shared variable from the file and returns the meta', () => {
    const file = join(dir, 'into.tsano');
    theano.save(
      file,
      {
        w: theano.ndarray(
          [
            [9, 8],
            [7, 6],
          ],
          [2, 2],
          'float32',
        ),
        b: theano.ndarray([1, 1], [2], 'float32'),
        steps: theano.ndarray([42], [1], 'int32'),
      },
      { epoch: 4 },
    );
    const t = setup();
    expect(theano.loadInto(file, t)).toEqual({ meta: { epoch: 4 } });
    expect([t.w.getValue().toArray(), t.b.getValue().toArray(), t.steps.getValue().toArray()]).toEqual([
      [
        [9, 8],
        [7, 6],
      ],
      [1, 1],
      [42],
    ]);
  });

  it('accepts what load returned, and copies it (later edits of the loaded arrays do not reach the variables)', () => {
    const file = join(dir, 'into2.tsano');
    theano.save(file, {
      w: theano.ndarray(
        [
          [9, 8],
          [7, 6],
        ],
        [2, 2],
        'float32',
      ),
      b: theano.ndarray([1, 1], [2], 'float32'),
      steps: theano.ndarray([1], [1], 'int32'),
    });
    const loaded = theano.load(file);
    const t = setup();
    theano.loadInto(loaded, t);
    loaded.params['b']!.data[0] = 100;
    expect(t.b.getValue().toArray()).toEqual([1, 1]);
  });

  it('a mismatch of dtype, shape or names is a FormatError naming each parameter, expected and found; nothing changes', () => {
    const file = join(dir, 'mismatch.tsano');
    theano.save(file, {
      w: theano.ndarray(
        [
          [9, 8, 7],
          [6, 5, 4],
        ],
        [2, 3],
        'float32',
      ), // shape
      b: theano.ndarray([1, 1], [2], 'float64'), // dtype
      extra: theano.ndarray([1], [1], 'float32'), // no target
    });
    const t = setup();
    const before = Object.values(t).map((v) => v.getValue());
    let err: unknown;
    try {
      theano.loadInto(file, t);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FormatError);
    const msg = (err as Error).message;
    expect(msg).toContain(`theano.loadInto: parameters do not match '${file}'`);
    expect(msg).toContain("'w' expected float32 (2, 2), found float32 (2, 3)");
    expect(msg).toContain("'b' expected float32 (2,), found float64 (2,)");
    expect(msg).toContain("'steps' is missing from the file");
    expect(msg).toContain("the file also has 'extra', which no target takes");
    expect(msg).toContain('nothing was changed');
    Object.values(t).forEach((v, k) => expectSameArray(v.getValue(), before[k]!));
    expect(() => theano.loadInto(file, { w: t.w.getValue() as unknown as theano.SharedVariable })).toThrow(
      /theano.loadInto: target 'w' is not a shared variable/,
    );
  });
});

describe('atomic save: a process killed with SIGKILL mid-write', () => {
  const CHILD = join(ROOT, 'test', 'compile', 'save-crash-child.ts');
  const ORIGINAL = {
    w: theano.ndarray(
      [
        [1, 2],
        [3, 4],
      ],
      [2, 2],
      'float32',
    ),
  };

  /** Starts the child saving `megabytes` over `target`; resolves once `killWhen` says so, after a SIGKILL. */
  const crashSave = (
    target: string,
    megabytes: number,
    mode: 'pause' | 'free',
    killWhen: (stdout: string) => boolean,
  ): Promise<{ stdout: string; signal: string | null }> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', CHILD, target, String(megabytes), mode], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      const poll = setInterval(() => killWhen(stdout) && child.kill('SIGKILL'), 1);
      const guard = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (killWhen(stdout)) child.kill('SIGKILL');
      });
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('exit', (_code, signal) => {
        clearInterval(poll);
        clearTimeout(guard);
        if (stderr.trim()) reject(new Error(`child failed: ${stderr}`));
        else resolve({ stdout, signal });
      });
    });
  const tmpFiles = (d: string): string[] => readdirSync(d).filter((f) => f.endsWith('.tmp'));

  it('killed inside the write: the old file loads with its old values and no partial target exists', async () => {
    const d = mkdtempSync(join(dir, 'crash-'));
    const target = join(d, 'model.tsano');
    theano.save(target, ORIGINAL, { version: 'old' });
    const size = statSync(target).size;
    const { stdout, signal } = await crashSave(target, 64, 'pause', (out) => out.includes('mid-write'));
    expect(stdout).toContain('mid-write'); // killed where intended, not before the write began
    expect(stdout).not.toContain('done');
    expect(signal).toBe('SIGKILL');
    expect(statSync(target).size).toBe(size);
    const back = theano.load(target);
    expect(back.meta).toEqual({ version: 'old' });
    expectSameArray(back.params['w'], ORIGINAL.w);
    // What the crash left is the temporary file, partly written (one chunk of a 64 MiB file), beside the target.
    const [tmp] = tmpFiles(d);
    expect(tmp).toMatch(/^\.model\.tsano\.\d+\.[0-9a-f]{12}\.tmp$/);
    expect(statSync(join(d, tmp!)).size).toBeLessThan(64 * 2 ** 20);
    expect(readdirSync(d).sort()).toEqual([tmp, 'model.tsano'].sort());
    // A later save is not blocked by the leftover and replaces the file.
    theano.save(
      target,
      {
        w: theano.ndarray(
          [
            [5, 6],
            [7, 8],
          ],
          [2, 2],
          'float32',
        ),
      },
      { version: 'next' },
    );
    expect(theano.load(target).meta).toEqual({ version: 'next' });
  });

  it('killed as soon as its temporary file appears: the target is the old file or the whole new one, never partial', async () => {
    const d = mkdtempSync(join(dir, 'crash-'));
    const target = join(d, 'model.tsano');
    theano.save(target, ORIGINAL, { version: 'old' });
    const { stdout } = await crashSave(target, 96, 'free', () => tmpFiles(d).length > 0);
    expect(stdout).toContain('saving');
    const back = theano.load(target); // any partial or mixed file would be a FormatError here
    if (stdout.includes('done')) expect(back.meta).toEqual({ version: 'new' });
    else {
      expect(back.meta).toMatchObject({ version: expect.stringMatching(/^(old|new)$/) });
      if ((back.meta as { version: string }).version === 'old') expectSameArray(back.params['w'], ORIGINAL.w);
      else expect(back.params['big']!.shape).toEqual([(96 * 2 ** 20) / 4]);
    }
  });
});
