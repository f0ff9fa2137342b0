export type { RunEventSink } from '@vigil/runs';
import type { RunEventSink } from '@vigil/runs';

export const NO_RUN_EVENTS: RunEventSink = async () => undefined;
