'use strict';
// Shared by apps/cli/bin/vigil.js and the app entry points: run the compiled output in dist/.
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const { execFileSync } = require('node:child_process');

const SOURCE_DIRS = ['apps', 'libs'];
const SKIP = new Set(['node_modules', 'dist', 'bin', 'fixtures']);

function newestSourceMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMtime(full));
    else if (!entry.name.endsWith('.spec.ts') && !entry.name.endsWith('.md')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** True when dist/ is missing or older than any source file. */
function isStale(root) {
  const stamp = path.join(root, 'dist', '.build-stamp');
  if (!fs.existsSync(stamp)) return true;
  const built = fs.statSync(stamp).mtimeMs;
  const sources = Math.max(
    fs.statSync(path.join(root, 'tsconfig.base.json')).mtimeMs,
    ...SOURCE_DIRS.map((d) => newestSourceMtime(path.join(root, d))),
  );
  return sources > built;
}

function ensureBuilt(root) {
  if (!isStale(root)) return;
  process.stderr.write('vigil: building (sources changed since the last build)...\n');
  execFileSync(process.execPath, [path.join(root, 'tools', 'build.mjs')], { cwd: root, stdio: ['ignore', 2, 2] });
}

/** Maps each `@vigil/x` path alias of tsconfig.json onto its compiled file in dist/. */
function registerAliases(root) {
  const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.base.json'), 'utf8'));
  const aliases = new Map(
    Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
      alias,
      path.join(root, 'dist', target.replace(/\.ts$/, '.js')),
    ]),
  );
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function resolveVigilAlias(request, ...rest) {
    const target = aliases.get(request);
    return resolve.call(this, target ?? request, ...rest);
  };
}

/**
 * Node flags for Vigil's long-running processes (and for anything measured against them). A
 * worker allocates a short-lived object graph per batch; with V8's default 16 MiB young
 * generation much of it survives a scavenge while the batch waits on PostgreSQL and gets
 * promoted, and the ingest benchmark showed ~19% of the worker's time in GC. A 64 MiB young
 * generation lets a batch die young. Production sets the same through NODE_OPTIONS.
 */
const WORKER_NODE_FLAGS = ['--max-semi-space-size=64'];

module.exports = { ensureBuilt, isStale, registerAliases, WORKER_NODE_FLAGS };
