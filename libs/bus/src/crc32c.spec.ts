import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { crc32c } from './crc32c';
import { installFastCrc32c } from './kafkajs-crc32c';

// kafkajs's own implementation, the reference the replacement must agree with byte for byte.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkajsCrc32c = require('kafkajs/src/protocol/recordBatch/crc32C/crc32C.js') as (b: Buffer) => number;

describe('crc32c', () => {
  it('matches the published check value and kafkajs on every length and alignment', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
    for (let length = 0; length < 70; length++) {
      const bytes = randomBytes(length + 3).subarray(3);
      expect(crc32c(bytes)).toBe(kafkajsCrc32c(bytes));
    }
    const big = randomBytes(1 << 20);
    expect(crc32c(big)).toBe(kafkajsCrc32c(big));
  });

  it('reports honestly whether kafkajs picked it up', () => {
    // Under jest kafkajs is loaded by jest's own module system, so the answer is whatever
    // Node's cache says; the product path is checked in a plain Node process below.
    expect(typeof installFastCrc32c()).toBe('boolean');
  });

  it('is what kafkajs uses in a plain Node process that loads the bus first', () => {
    const out = execFileSync(process.execPath, [join(__dirname, '..', '..', '..', 'tools', 'ts-run.js'), join(__dirname, 'kafkajs-crc32c-probe.ts')], { encoding: 'utf8' });
    expect(out.trim()).toBe('fast');
  });
});
