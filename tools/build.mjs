// Compiles apps/ and libs/ with tsc (type-checked, decorator metadata for NestJS) into dist/,
// and copies what tsc does not: generated .js modules and SQL migrations.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const require = createRequire(import.meta.url);

function copyAssets(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (['node_modules', 'bin', 'fixtures'].includes(entry.name)) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'migrations') {
        cpSync(full, join(dist, relative(root, full)), { recursive: true });
      } else {
        copyAssets(full);
      }
    } else if (/\.(js|json)$/.test(entry.name) && relative(root, full).split(/[\\/]/).includes('src')) {
      // Hand-written or generated JavaScript inside src/ (e.g. protobufjs static modules).
      const target = join(dist, relative(root, full));
      mkdirSync(dirname(target), { recursive: true });
      cpSync(full, target);
    }
  }
}

const started = Date.now();
rmSync(join(dist, '.build-stamp'), { force: true });
const tsc = require.resolve('typescript/bin/tsc');
try {
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
} catch {
  process.stderr.write('vigil build: TypeScript errors above\n');
  process.exit(1);
}
for (const dir of ['apps', 'libs']) if (existsSync(join(root, dir))) copyAssets(join(root, dir));
// The web dashboard (apps/web → dist/web, served by the API at /); skipped when unchanged.
try {
  await (await import('../apps/web/build.mjs')).buildWeb();
} catch (error) {
  process.stderr.write(`vigil build: the dashboard failed to build: ${error?.message ?? error}\n`);
  process.exit(1);
}
writeFileSync(join(dist, '.build-stamp'), new Date().toISOString());
process.stderr.write(`vigil build: dist/ ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
