import { SeriesDetector, type SeriesDetectorOptions, type SeriesDetectorState } from '../series';

/**
 * A detector resumed from its saved state, or a fresh one when there is none or the state cannot
 * be read (saved by another version of the detector): that one series learns again, with its
 * probation, instead of the whole service's checkpoint failing forever.
 */
export function detectorFrom(options: Partial<SeriesDetectorOptions>, state: SeriesDetectorState | null | undefined): { instance: SeriesDetector; restarted: boolean } {
  if (!state) return { instance: new SeriesDetector(options), restarted: false };
  try {
    return { instance: new SeriesDetector(options, state), restarted: false };
  } catch {
    return { instance: new SeriesDetector(options), restarted: true };
  }
}
