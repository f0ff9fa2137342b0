export { eventId } from './event-id';
export { bucketAt, closeDueMinutes, minuteStart, MINUTE_MS } from './event-minutes';
export type { EventMinutesState } from './event-minutes';
