import type { DeskRole } from '../incident-desk';

export const DESK_ROLES: readonly DeskRole[] = ['viewer', 'responder', 'admin'];

/**
 * A Slack user's role in Vigil: their entry in SLACK_USER_ROLES (`{"U123": "responder"}`), else
 * SLACK_DEFAULT_ROLE. Slack user ids are upper case; the map is matched the same way.
 */
export function slackRoleResolver(userRoles: Readonly<Record<string, DeskRole>>, defaultRole: DeskRole = 'viewer'): (slackUserId: string) => DeskRole {
  const roles = new Map(Object.entries(userRoles).map(([user, role]) => [user.trim().toUpperCase(), role]));
  return (slackUserId) => roles.get(slackUserId.trim().toUpperCase()) ?? defaultRole;
}
