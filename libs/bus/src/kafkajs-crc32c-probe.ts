// Run by crc32c.spec.ts in a plain Node process: loads the bus as the product does, then asks
// kafkajs's record batch encoder which checksum function it holds.
import './kafka-bus';
import { crc32c } from './crc32c';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const used = require('kafkajs/src/protocol/recordBatch/crc32C/crc32C.js') as unknown;
process.stdout.write(used === crc32c ? 'fast\n' : 'kafkajs\n');
