/**
 * Huber-style clipping of an error before it moves a level or a scale, so a lone outlier cannot
 * drag the baseline. A zero limit (a series that has never varied) does not clip: its first change
 * has to be learnt, or the scale would stay zero forever.
 */
export function robustError(error: number, limit: number): number {
  if (!(limit > 0)) return error;
  return error > limit ? limit : error < -limit ? -limit : error;
}
