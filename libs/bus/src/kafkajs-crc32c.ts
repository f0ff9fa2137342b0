import Module from 'node:module';
import { crc32c } from './crc32c';

const KAFKAJS_CRC32C = 'kafkajs/src/protocol/recordBatch/crc32C/crc32C.js';

/**
 * Puts our CRC-32C in place of kafkajs's before kafkajs loads it (kafkajs has no option for
 * this). Same function, same results — the spec checks it against kafkajs's own — only faster.
 * Returns whether kafkajs will use it; if kafkajs moved the file or was loaded first, nothing
 * changes and kafkajs keeps its own.
 */
export function installFastCrc32c(): boolean {
  let path: string;
  try {
    path = require.resolve(KAFKAJS_CRC32C);
  } catch {
    return false;
  }
  const cached = require.cache[path];
  if (cached) return cached.exports === crc32c;
  const replacement = new Module(path);
  replacement.filename = path;
  replacement.loaded = true;
  replacement.exports = crc32c;
  require.cache[path] = replacement;
  return true;
}

installFastCrc32c();
