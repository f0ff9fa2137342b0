// `npm start`: from a fresh clone to a running platform. Installs npm packages when the lockfile
// changed, builds when sources changed, then runs `vigil <args>` and passes signals through.
import { execFileSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const major = Number(process.versions.node.split('.')[0]);
if (major < 20) {
  process.stderr.write(`Vigil needs Node.js 20 or newer (this is ${process.version}).\n`);
  process.exit(1);
}

const stamp = join(root, 'node_modules', '.vigil-installed');
const hash = createHash('sha256');
for (const file of ['package-lock.json', 'package.json', 'apps/cli/package.json']) hash.update(readFileSync(join(root, file)));
const lockHash = hash.digest('hex').slice(0, 16);
// Same stamp format as test/run.sh, so either command installs once for both.
if (!existsSync(stamp) || readFileSync(stamp, 'utf8').trim() !== lockHash) {
  process.stderr.write('vigil: installing npm packages (npm ci)...\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  writeFileSync(stamp, `${lockHash}\n`);
}

const { WORKER_NODE_FLAGS } = createRequire(import.meta.url)('./runtime.js');
const child = spawn(process.execPath, [...WORKER_NODE_FLAGS, join(root, 'apps', 'cli', 'bin', 'vigil.js'), ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
