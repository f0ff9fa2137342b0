import { Controller, HttpCode, Inject, Next, Post, Req, Res } from '@nestjs/common';
import type { SlackInbound } from '@vigil/slack';
import type { NextFunction, Request, Response } from 'express';
import { ApiDoc } from '../openapi/api-doc.decorator';

export const SLACK_INBOUND = Symbol('SlackInbound');

/**
 * Slack's one request URL: the Events API, the `/incident` slash command and interactivity (the
 * incident card's buttons). Not under /api/: Slack carries no Vigil token; every request is signed
 * with SLACK_SIGNING_SECRET instead (checked by Bolt over the raw body, 401 otherwise).
 */
@Controller()
export class SlackEventsController {
  constructor(@Inject(SLACK_INBOUND) private readonly inbound: SlackInbound) {}

  @Post('slack/events')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Slack request URL (events, /incident, interactivity)',
    description:
      'Signed by Slack (x-slack-signature, v0 HMAC-SHA256 of the raw body; x-slack-request-timestamp within 5 minutes, else 401). ' +
      'Form-encoded slash commands and `payload=` interactions, JSON Events API callbacks. Exists only with SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET set.',
  })
  handle(@Req() req: Request, @Res() res: Response, @Next() next: NextFunction): void {
    this.inbound.handler(req, res, next);
  }
}
