import 'reflect-metadata';
import { runCli } from './cli';

runCli({
  argv: process.argv.slice(2),
  env: process.env,
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
}).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`vigil: ${String(error)}\n`);
    process.exit(1);
  },
);
