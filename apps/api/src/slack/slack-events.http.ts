import type { IncomingMessage } from 'node:http';
import { SLACK_EVENTS_PATH } from '@vigil/slack';

/**
 * True for requests to the Slack request URL, whose body Bolt reads raw to check the signature:
 * no body parser may touch them. Express routing ignores case and a trailing slash, so this does
 * too, or a `/Slack/Events/` request would reach Bolt already consumed by a parser.
 */
export function isSlackEventsRequest(req: Pick<IncomingMessage, 'url'>): boolean {
  const path = (req.url ?? '').split('?', 1)[0] ?? '';
  return path.toLowerCase().replace(/\/+$/, '') === SLACK_EVENTS_PATH;
}
