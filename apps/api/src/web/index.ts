import type { Provider } from '@nestjs/common';
import type { Database } from '@vigil/store';
import type { Logger } from 'pino';
import { DATABASE } from '../tokens';
import { EventsController } from './events.controller';
import { MeController } from './me.controller';
import { TimelineFeed } from './timeline-feed';

export { installDashboard } from './dashboard';

/** The dashboard's routes: who am I, and the live-updates stream. */
export const webControllers = [MeController, EventsController];

export const webProviders = (logger?: Logger): Provider[] => [
  { provide: TimelineFeed, useFactory: (db: Database) => new TimelineFeed(db, 1000, logger?.child({ component: 'live-updates' })), inject: [DATABASE] },
];
