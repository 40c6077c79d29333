/**
 * Every ```ts / ```js sample in README.md and docs/*.md runs: each is written to a file whose imports of 'tsano'
 * (and of relative paths such as './src/index.js') point at this repository's source, type-checked with the
 * repository's tsconfig, and run with tsx. A `// → text` comment on a console.log line is what that call must
 * print (whitespace collapsed), checked in order. A sample that is a test file verbatim runs as that test. A
 * fence may opt out with `no-run` (```ts no-run) for fragments that cannot run alone; use it sparingly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const tsxCli = join(root, 'node_modules/tsx/dist/cli.mjs');
const tscCli = join(root, 'node_modules/typescript/bin/tsc');
const LOG_END = '\u241E tsano-sample-log-end';

interface Sample {
  doc: string;
  line: number;
  lang: 'ts' | 'js';
  code: string;
  noRun: boolean;
}

const LANGS: Record<string, 'ts' | 'js'> = { ts: 'ts', typescript: 'ts', js: 'js', javascript: 'js', mjs: 'js' };

/** The fenced ts/js blocks of a Markdown file, with the line of their opening fence. */
function extractSamples(doc: string, text: string): Sample[] {
  const samples: Sample[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})\s*([\w-]*)(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[1]!;
    let j = i + 1;
    while (j < lines.length && !lines[j]!.startsWith(fence)) j++;
    const lang = LANGS[open[2]!.toLowerCase()];
    if (lang) samples.push({ doc, line: i + 1, lang, code: lines.slice(i + 1, j).join('\n') + '\n', noRun: /\bno-run\b/.test(open[3]!) });
    i = j;
  }
  return samples;
}

function filesUnder(dir: string, keep: (f: string) => boolean): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p, keep) : keep(p) ? [p] : [];
  });
}

const docs = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const samples = docs.flatMap((d) => extractSamples(d, readFileSync(join(root, d), 'utf8')));
// Samples shown verbatim from a test file run as that test (a doc test may check that they stay the same).
const testFiles = new Map(filesUnder(join(root, 'test'), (f) => f.endsWith('.test.ts')).map((f) => [readFileSync(f, 'utf8'), relative(root, f)]));

/** 'tsano' and 'tsano/testing' mean this repository's source; relative imports are relative to the Markdown file. */
function rewriteImports(code: string, doc: string): string {
  const docDir = dirname(join(root, doc));
  return code.replace(/(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])([^'"]+)\2/g, (_m, pre: string, q: string, spec: string) => {
    let target = spec;
    if (spec === 'tsano') target = join(root, 'src/index.js');
    else if (spec === 'tsano/testing') target = join(root, 'src/testing/index.js');
    else if (spec.startsWith('.')) target = resolve(docDir, spec);
    return `${pre}${q}${target}${q}`;
  });
}

/** The `// → text` comments of console.log lines, in order. */
function expectedOutputs(code: string): string[] {
  return code
    .split('\n')
    .filter((l) => l.includes('console.log('))
    .map((l) => /\/\/ → (.*)$/.exec(l)?.[1])
    .filter((s): s is string => s !== undefined)
    .map(collapse);
}

const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();

function fileName(s: Sample): string {
  return `${s.doc.replace(/[^\w]+/g, '_')}_L${s.line}.${s.lang === 'ts' ? 'ts' : 'mjs'}`;
}

function runNode(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const env = { ...process.env };
    delete env.TSANO_FLAGS;
    const child = spawn(process.execPath, args, { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

let work: string;

beforeAll(() => {
  // Under node_modules/.cache so that the samples' other imports (fast-check, node:…) resolve as in the repository.
  const cache = join(root, 'node_modules/.cache');
  mkdirSync(cache, { recursive: true });
  work = mkdtempSync(join(cache, 'tsano-doc-samples-'));
  writeFileSync(join(work, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  // Marks the end of each console.log call's output, so that `// →` comments can be matched call by call.
  writeFileSync(join(work, 'prelude.mjs'), `const log = console.log;\nconsole.log = (...args) => { log(...args); log(${JSON.stringify(LOG_END)}); };\n`);
  for (const s of samples) {
    if (s.noRun || testFiles.has(s.code)) continue;
    writeFileSync(join(work, fileName(s)), `import './prelude.mjs';\n${rewriteImports(s.code, s.doc)}`);
  }
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('documentation samples', () => {
  it('exist, and few opt out of running', () => {
    expect(samples.filter((s) => s.doc === 'README.md').length).toBeGreaterThan(0);
    expect(samples.filter((s) => s.doc === 'docs/theano-users.md').length).toBeGreaterThan(3);
    const optedOut = samples.filter((s) => s.noRun).map((s) => `${s.doc}:${s.line}`);
    expect(optedOut.length, `opted out: ${optedOut.join(', ')}`).toBeLessThanOrEqual(3);
  });

  it('type-check against the source', { timeout: 120_000 }, () => {
    const tsconfig = {
      extends: join(root, 'tsconfig.json'),
      compilerOptions: { noEmit: true, typeRoots: [join(root, 'node_modules/@types')], types: ['node'] },
      include: ['*.ts'],
    };
    writeFileSync(join(work, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
    const r = spawnSync(process.execPath, [tscCli, '-p', join(work, 'tsconfig.json')], { cwd: work, encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  for (const s of samples) {
    const name = `${s.doc}:${s.line}`;
    if (s.noRun) continue;
    const asTest = testFiles.get(s.code);
    if (asTest) {
      it(`${name} runs as ${asTest}`, () => expect(readFileSync(join(root, asTest), 'utf8')).toBe(s.code));
      continue;
    }
    it.concurrent(`${name} runs${expectedOutputs(s.code).length ? ' and prints what its comments say' : ''}`, { timeout: 120_000 }, async () => {
      const r = await runNode([tsxCli, fileName(s)], work);
      expect(r.code, `${name} failed:\n${r.stderr}`).toBe(0);
      const outputs = r.stdout.split(`${LOG_END}\n`).map(collapse);
      const expected = expectedOutputs(s.code);
      let k = 0;
      for (const out of outputs) if (k < expected.length && out === expected[k]) k++;
      expect(k, `${name}: expected, in order:\n${expected.join('\n')}\nprinted:\n${outputs.join('\n')}`).toBe(expected.length);
    });
  }
});
