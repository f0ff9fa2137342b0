/** Bumped whenever the meaning or order of the stored numbers changes; other versions are rejected, not misread. */
export const SERIES_STATE_VERSION = 2;

/** The scalar fields of a detector, in the order they are stored in `SeriesDetectorState.fields`. */
export const STATE_FIELDS = [
  'n',
  'lastT',
  'cadence',
  'missingRun',
  'lastV',
  'run',
  'longestRun',
  'repeatRate',
  'level',
  'levelScale',
  'seasonalLevel',
  'seasonalScale',
  'shortSigned',
  'shortAbs',
  'evidence',
  'evidenceComponent',
  'quietLeft',
  'binResolution',
  'longSigned',
] as const;

/**
 * A detector's whole memory as plain JSON. Positional numbers rather than named keys keep a series
 * under 1 KiB serialized, which matters with 100k live series checkpointed together: `fields` in
 * the order of STATE_FIELDS, `tails` the tail gauges (spike, shift, variance, high, low, gap, long shift, evidence), `profile`
 * the daily bins.
 */
export interface SeriesDetectorState {
  version: number;
  fields: number[];
  profile: number[];
  tails: number[];
}

function finiteNumbers(xs: unknown, length: number): xs is number[] {
  return Array.isArray(xs) && xs.length === length && xs.every((x) => typeof x === 'number' && Number.isFinite(x));
}

/** Checks a stored state and lays it out as a detector's memory block: fields, tail gauges, profile. */
export function decodeState(state: SeriesDetectorState, bins: number, tailCount: number): number[] {
  if (state.version !== SERIES_STATE_VERSION) throw new Error(`series detector state version ${String(state.version)} is not ${SERIES_STATE_VERSION}`);
  if (!finiteNumbers(state.fields, STATE_FIELDS.length)) throw new Error(`series detector state needs ${STATE_FIELDS.length} finite fields`);
  if (!finiteNumbers(state.profile, bins)) throw new Error(`series detector state needs a ${bins}-bin profile of finite numbers`);
  if (!finiteNumbers(state.tails, tailCount)) throw new Error(`series detector state needs ${tailCount} finite tail numbers`);
  return [...state.fields, ...state.tails, ...state.profile];
}
