import { Controller, Get, Inject } from '@nestjs/common';
import { readSlackSyncStatus, type SlackSyncStatus } from '@vigil/slack';
import type { Database } from '@vigil/store';
import { z } from 'zod';
import { RequireRole } from '../auth/require-role.decorator';
import { ApiDoc } from '../openapi/api-doc.decorator';
import { DATABASE } from '../tokens';

/** The running Slack sync's own status (`SlackSync.status`); absent when Slack is off. */
export const SLACK_STATUS = Symbol('SlackStatus');
export type SlackStatusSource = (() => Promise<SlackSyncStatus>) | null;

const at = z.iso.datetime().nullable();
export const slackStatusSchema = z.object({
  enabled: z.boolean().describe('False without SLACK_BOT_TOKEN: nothing goes to Slack.'),
  behind: z.number().int().describe('Incident timeline entries not yet handled (in Slack, or found not meant for it).'),
  cursor: z.string().nullable().describe('The last timeline entry id handled.'),
  lastError: z.string().nullable().describe('The last failure talking to Slack (never cleared: compare lastErrorAt with lastSuccessAt).'),
  lastErrorAt: at,
  lastSuccessAt: at.describe('When an entry was last handled.'),
  pausedUntil: at.describe("Set while Slack's rate limit (429 Retry-After) pauses the queue."),
  leaseOwner: z.string().nullable().describe('The process advancing the cursor.'),
  leaseUntil: at,
});

/** How far incident changes are from being in Slack. */
@Controller('api/slack')
@RequireRole('viewer')
export class SlackStatusController {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(SLACK_STATUS) private readonly source: SlackStatusSource,
  ) {}

  @Get('status')
  @ApiDoc({ summary: 'Slack sync status', description: 'Entries behind, last error and last success of the incident → Slack sync.', response: slackStatusSchema })
  async status(): Promise<SlackSyncStatus> {
    return this.source ? this.source() : readSlackSyncStatus(this.db, false);
  }
}
