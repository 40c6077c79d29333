#!/usr/bin/env node
// npm run test:props -- [--seed S] [--runs N] [vitest args…]: the property suites (test/props) with another
// seed, or N random graphs in the composite suite (other properties scale by N / 200). See test/props/config.ts.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const args = process.argv.slice(2);
const env = { ...process.env };
const rest = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const [flag, inline] = a.split('=', 2);
  if (flag === '--seed' || flag === '--runs') {
    const value = inline ?? args[++i];
    if (value === undefined || !/^\d+$/.test(value)) {
      console.error(`test:props: ${flag} needs a non-negative integer`);
      process.exit(2);
    }
    env[flag === '--seed' ? 'TSANO_PROPS_SEED' : 'TSANO_PROPS_RUNS'] = value;
  } else rest.push(a);
}
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
console.log(`property suites: seed ${env.TSANO_PROPS_SEED ?? 'default (20240617)'}, runs ${env.TSANO_PROPS_RUNS ?? 'default (200 graphs)'}`);
const vitest = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'vitest.cmd' : 'vitest');
const r = spawnSync(vitest, ['run', 'test/props', ...rest], { cwd: root, env, stdio: 'inherit' });
process.exit(r.status ?? 1);
