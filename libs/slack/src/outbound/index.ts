export { SlackSync } from './slack-sync';
export type { Severity, SlackSyncBackoff, SlackSyncOptions } from './slack-sync';
export { readSlackSyncStatus } from './slack-sync-status';
export type { SlackSyncStatus } from './slack-sync-status';
export { SlackCallError, SlackWebApi, classify as classifySlackError } from './slack-web-api';
export type { SlackFailureKind, SlackResult, SlackWebApiOptions } from './slack-web-api';
