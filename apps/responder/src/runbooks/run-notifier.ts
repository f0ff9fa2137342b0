import type { Queryable } from '@vigil/store';

/** Run events for outbound webhooks (`run.started`, `run.step`, `run.finished`, `run.escalated`), written in the caller's transaction. */
export type RunEventSink = (tx: Queryable, events: { type: string; id: string; occurredAtMs: number; data: unknown }[]) => Promise<void>;

export const NO_RUN_EVENTS: RunEventSink = async () => undefined;
