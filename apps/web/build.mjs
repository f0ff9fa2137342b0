// Builds the dashboard (apps/web) with Vite into dist/web, type-checking it first. Skipped when
// neither its sources nor the lockfile changed since the last build (hash in dist/web/.source-hash).
// Used by tools/build.mjs (npm start, test/run.sh) and by the browser test when dist/web is stale.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const out = join(root, 'dist', 'web');
const require = createRequire(import.meta.url);

function sourceHash() {
  const hash = createHash('sha256');
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name === 'node_modules' || entry.name === 'dist') continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else hash.update(relative(root, full)).update(readFileSync(full));
    }
  };
  walk(here);
  hash.update(readFileSync(join(root, 'package-lock.json')));
  return hash.digest('hex');
}

export async function buildWeb({ force = false } = {}) {
  const started = Date.now();
  const hash = sourceHash();
  const stamp = join(out, '.source-hash');
  if (!force && existsSync(join(out, 'index.html')) && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) {
    process.stderr.write('vigil build: dist/web is up to date\n');
    return;
  }
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(here, 'tsconfig.json')], { cwd: root, stdio: 'inherit' });
  const { build } = await import('vite');
  // Always React's production build: a caller's NODE_ENV (jest sets `test`) would otherwise make
  // Vite ship the development build, a third larger and slower.
  const callerEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: join(here, 'vite.config.ts'), logLevel: 'warn', mode: 'production' });
  } finally {
    if (callerEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = callerEnv;
  }
  writeFileSync(stamp, hash);
  process.stderr.write(`vigil build: dist/web (dashboard) ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildWeb({ force: process.argv.includes('--force') }).catch((error) => {
    process.stderr.write(`vigil build: the dashboard failed to build: ${error?.message ?? error}\n`);
    process.exit(1);
  });
}
