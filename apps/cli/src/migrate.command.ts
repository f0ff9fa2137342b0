import { parseArgs } from 'node:util';
import { migrate, openDatabase } from '@vigil/store';
import type { Command } from './command';
import { configWith } from './config-from-args';

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'apply pending database migrations and exit',
  usage: 'vigil migrate',
  async run({ argv, env, stdout }) {
    parseArgs({ args: argv, options: {}, strict: true });
    const config = configWith(env, {});
    const db = await openDatabase(config);
    try {
      const applied = await migrate(db);
      stdout(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
      return 0;
    } finally {
      await db.close();
    }
  },
};
