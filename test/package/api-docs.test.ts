/** `npm run docs`: TypeDoc builds the API reference of both entry points from the source comments, without errors. */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const out = mkdtempSync(join(tmpdir(), 'tsano-api-'));

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('API reference (TypeDoc)', () => {
  it('builds for tsano and tsano/testing with no errors', { timeout: 180_000 }, () => {
    // typedoc.json as `npm run docs` uses it, written elsewhere than docs/api.
    const r = spawnSync(process.execPath, [join(root, 'node_modules/typedoc/bin/typedoc'), '--out', out], { cwd: root, encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    // TypeDoc prints a "Found N errors, M warnings" summary only when there is something to count.
    expect(r.stdout + r.stderr).not.toMatch(/\[error\]|Found [1-9]\d* errors?/);
    expect(existsSync(join(out, 'modules/tsano.html'))).toBe(true);
    expect(existsSync(join(out, 'modules/tsano_testing.html'))).toBe(true);
    expect(readFileSync(join(out, 'modules/tsano.html'), 'utf8')).toContain('shared');
  });
});
