#!/usr/bin/env node
'use strict';
// `npx vigil` from the repo root. Builds first when the compiled output is missing or older than
// the sources, then runs the compiled CLI with the @vigil/* aliases mapped onto dist/.
const path = require('node:path');
const root = path.resolve(__dirname, '..', '..', '..');
const { ensureBuilt, registerAliases } = require(path.join(root, 'tools', 'runtime.js'));
ensureBuilt(root);
registerAliases(root);
require(path.join(root, 'dist', 'apps', 'cli', 'src', 'main.js'));
