/**
 * The package as users get it: `npm run build`, `npm pack`, then a fresh project installs the tarball and runs
 * a TypeScript program (type-checked against the installed .d.ts files, emitted by tsc, run with node) and a plain
 * JavaScript one. fast-check is an optional peer dependency: the main entry works without it, `tsano/testing`
 * needs it. Installs are offline: the project gets a lockfile made from this repository's (same versions and
 * integrity), so `npm ci --offline` finds every tarball in npm's cache, where `npm ci` left it; the registry is
 * asked only if that fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const consumer = resolve(__dirname, 'consumer');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const tsc = join(root, 'node_modules/typescript/bin/tsc');
// An enclosing `npm test` describes its own package and project to scripts (npm_package_*, npm_lifecycle_*,
// npm_config_local_prefix); the nested npm commands work on other folders. Its configuration (registry, cache)
// still applies.
const env: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^npm_(package_|lifecycle_)/i.test(k) && !/^npm_config_local_prefix$/i.test(k)),
);
Object.assign(env, { npm_config_update_notifier: 'false', npm_config_audit: 'false', npm_config_fund: 'false' });

interface RunResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command without blocking this worker: npm installs take minutes, and a worker blocked that long misses
 * vitest's own messages (its RPC times out after 60 s and the run fails with an unhandled error).
 */
function run(cmd: string, args: string[], cwd: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (status, signal) =>
      resolve({ status, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
    );
  });
}

async function ok(cmd: string, args: string[], cwd: string): Promise<string> {
  const r = await run(cmd, args, cwd);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited with ${r.status ?? r.signal}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

type LockEntry = { version: string; dependencies?: Record<string, string>; [key: string]: unknown };
const rootLock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };

/**
 * Installs the tarball (and `extra` packages, at this repository's versions) into a project: package.json and a
 * lockfile with the dependency closure taken from this repository's lockfile, then `npm ci --offline`.
 */
async function install(cwd: string, tarball: string, extra: string[] = []): Promise<void> {
  const self = rootLock.packages['']!;
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
  const dependencies: Record<string, string> = { tsano: `file:${tarball}` };
  const packages: Record<string, unknown> = {
    '': { name: 'consumer', dependencies },
    'node_modules/tsano': {
      version: self.version,
      resolved: `file:${tarball}`,
      integrity,
      dependencies: self.dependencies,
      peerDependencies: self.peerDependencies,
      peerDependenciesMeta: self.peerDependenciesMeta,
    },
  };
  const add = (name: string) => {
    if (packages[`node_modules/${name}`]) return;
    const { dev: _dev, devOptional: _devOptional, ...entry } = rootLock.packages[`node_modules/${name}`]!;
    packages[`node_modules/${name}`] = entry;
    for (const dep of Object.keys(entry.dependencies ?? {})) add(dep);
  };
  for (const dep of Object.keys(self.dependencies ?? {})) add(dep);
  for (const name of extra) {
    dependencies[name] = rootLock.packages[`node_modules/${name}`]!.version;
    add(name);
  }
  writeFileSync(join(cwd, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies }, null, 2));
  writeFileSync(join(cwd, 'package-lock.json'), JSON.stringify({ name: 'consumer', lockfileVersion: 3, requires: true, packages }, null, 2));
  const offline = await run(npm, ['ci', '--offline', '--no-audit', '--no-fund'], cwd);
  if (offline.status === 0) return;
  console.warn(`npm ci --offline failed, installing from the registry:\n${offline.stderr}`);
  await ok(npm, ['install', '--no-audit', '--no-fund'], cwd);
}

/** The last line of a program's output, parsed as JSON. */
function lastJson(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
}

let work: string;
let project: string;
let tarball: string;
let packed: string[];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'tsano-pack-'));
  await ok(npm, ['run', 'build'], root);
  // The build just ran; --ignore-scripts keeps prepack from running it again.
  const info = JSON.parse(await ok(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', work], root)) as {
    filename: string;
    files: { path: string }[];
  }[];
  tarball = join(work, info[0]!.filename);
  packed = info[0]!.files.map((f) => f.path);

  project = join(work, 'consumer');
  mkdirSync(project);
  await install(project, tarball);
}, 360_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm pack', { timeout: 360_000 }, () => {
  it('holds the built entry points with their declarations, and no tests or dependencies', () => {
    for (const f of [
      'package.json',
      'README.md',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/index.d.ts.map',
      'dist/testing/index.js',
      'dist/testing/index.d.ts',
    ]) {
      expect(packed).toContain(f);
    }
    expect(packed.filter((f) => /^(test|examples|node_modules|bench)\//.test(f))).toEqual([]);
  });

  it('installs with @viz-js/viz and gpu.js as its only dependencies (fast-check stays an optional peer)', async () => {
    const pkg = JSON.parse(readFileSync(join(project, 'node_modules/tsano/package.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    expect(Object.keys(pkg.dependencies ?? {}).sort()).toEqual(['@viz-js/viz', 'gpu.js']);
    expect(pkg.peerDependenciesMeta?.['fast-check']).toEqual({ optional: true });
    expect((await run('node', ['-e', "import('fast-check').then(() => process.exit(1), () => process.exit(0))"], project)).status).toBe(0);
  });

  it('runs a TypeScript program type-checked against the installed declarations', async () => {
    copyFileSync(join(consumer, 'example.ts'), join(project, 'example.ts'));
    const tsconfig = {
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        skipLibCheck: false, // check tsano's own .d.ts files too
        outDir: 'build',
        typeRoots: [join(root, 'node_modules/@types')],
        types: ['node'],
        lib: ['ES2022'],
      },
      files: ['example.ts'],
    };
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
    await ok('node', [tsc, '-p', 'tsconfig.json'], project);
    // The declarations tsc read are the installed package's (and no source file of this repository).
    const used = await ok('node', [tsc, '-p', 'tsconfig.json', '--noEmit', '--listFilesOnly'], project);
    expect(used).toContain(join(project, 'node_modules/tsano/dist/index.d.ts'));
    expect(used).not.toContain(join(root, 'src'));

    const out = lastJson(await ok('node', ['build/example.js'], project));
    expect(out.cost).toBe(41); // (1·1)² + (1·2)² + (2·3)²
    expect(out.grad).toEqual([2, 4, 24]); // 2 x² w
    (out.w as number[]).forEach((v, i) => expect(v).toBeCloseTo([0.8, 1.6, 0.6][i]!, 12)); // w − 0.1 g
    const t = (v: number) => Math.tanh(v);
    const d = (v: number) => 1 - Math.tanh(v) ** 2;
    expect(out.y).toEqual(
      [
        [t(0.5), t(0.5)],
        [t(1), t(-2)],
      ].map((r) => r.map((v) => expect.closeTo(v, 12))),
    );
    expect(out.ga).toEqual(
      [
        [d(0.5), 2 * d(0.5)],
        [d(1), 2 * d(-2)],
      ].map((r) => r.map((v) => expect.closeTo(v, 12))),
    );
    expect(out.missing).toMatch(/depend on 'z' \(float64 scalar\), which is not among the inputs \[x\].*Created at build\/example\.js:\d+/);
  });

  it('runs a plain JavaScript (ESM) program with node', async () => {
    copyFileSync(join(consumer, 'example.mjs'), join(project, 'example.mjs'));
    const out = lastJson(await ok('node', ['example.mjs'], project));
    // Three classes, zero weights: every probability 1/3, cost log 3. One step of rate 1 (x the identity, labels
    // 0 and 1): w ← −(p − onehot)/2 per row, b ← −Σ(p − onehot)/2 = (1/6, 1/6, −1/3); each point's logits become
    // 1/2 for its class, 0 for the other label and −1/2 for the third class.
    expect(out.before).toBeCloseTo(Math.log(3), 12);
    const pTrue = Math.exp(0.5) / (Math.exp(0.5) + 1 + Math.exp(-0.5));
    expect(out.after).toBeCloseTo(-Math.log(pTrue), 12);
    expect(out.kernels).toBeGreaterThan(0);
    expect(out.debugprint).toMatch(/^neg \[id A\]/);
  });

  it('tsano/testing asks for fast-check, and runs once it is installed', async () => {
    copyFileSync(join(consumer, 'testing.mjs'), join(project, 'testing.mjs'));
    const without = await run('node', ['testing.mjs'], project);
    expect(without.status).not.toBe(0);
    expect(without.stderr).toMatch(/Cannot find (package|module) 'fast-check'/);

    await install(project, tarball, ['fast-check']);
    const out = lastJson(await ok('node', ['testing.mjs'], project));
    expect(out.passed).toBeGreaterThan(5);
  });
});
