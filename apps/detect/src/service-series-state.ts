import { ServiceSeriesWatch, type SeriesWatchOptions, type ServiceSeriesWatchState } from '@vigil/detect';
import { SourceOffsets } from './source-offsets';

/** Checkpointed per service: the series watch (detectors, open minutes, counter baselines) and source offsets. */
export interface ServiceSeriesCheckpoint {
  v: 1;
  watch: ServiceSeriesWatchState;
  sources: Record<string, string>;
}

export class ServiceSeriesState {
  constructor(
    readonly watch: ServiceSeriesWatch,
    readonly sources: SourceOffsets,
  ) {}

  static fresh(service: string, options: Partial<SeriesWatchOptions>): ServiceSeriesState {
    return new ServiceSeriesState(new ServiceSeriesWatch(service, options), new SourceOffsets({}));
  }

  static restore(service: string, checkpoint: ServiceSeriesCheckpoint, options: Partial<SeriesWatchOptions>): ServiceSeriesState {
    return new ServiceSeriesState(new ServiceSeriesWatch(service, options, checkpoint.watch), new SourceOffsets({ ...checkpoint.sources }));
  }

  checkpoint(): ServiceSeriesCheckpoint {
    return { v: 1, watch: this.watch.state(), sources: this.sources.applied };
  }
}
