import { BLOCK_KIT_LIMITS, mrkdwn } from './text';

/**
 * `inc-<number>-<slug>`: lowercase a-z, 0-9 and single dashes, at most 80 characters as Slack
 * allows. `attempt` 2, 3, … (after `name_taken`) adds `-2`, `-3`, … within the same 80.
 */
export function channelNameFor(number: number, title: string, attempt = 1): string {
  const suffix = attempt > 1 ? `-${attempt}` : '';
  const prefix = `inc-${number}`;
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const room = BLOCK_KIT_LIMITS.channelName - prefix.length - suffix.length - 1;
  const cut = slug.slice(0, Math.max(0, room)).replace(/-+$/, '');
  return `${prefix}${cut ? `-${cut}` : ''}${suffix}`.slice(0, BLOCK_KIT_LIMITS.channelName);
}

/** The channel topic: severity, status and services (masked, escaped), within Slack's 250 characters. */
export function channelTopicFor(incident: { severity: string; status: string; services: string[] }): string {
  const status = incident.status.charAt(0).toUpperCase() + incident.status.slice(1);
  return mrkdwn(`${incident.severity} · ${status} · ${incident.services.join(', ') || 'no services'}`, BLOCK_KIT_LIMITS.topic);
}
