import { ServiceLogWatch, TemplateMiner, type LogWatchOptions, type ServiceLogWatchState, type TemplateMinerSnapshot } from '@vigil/detect';
import { SourceOffsets } from './source-offsets';

/** Checkpointed per service: its miner, its log watch, and how far each source partition got. */
export interface ServiceLogCheckpoint {
  v: 1;
  miner: TemplateMinerSnapshot;
  watch: ServiceLogWatchState;
  sources: Record<string, string>;
}

export class ServiceLogState {
  constructor(
    readonly service: string,
    readonly miner: TemplateMiner,
    readonly watch: ServiceLogWatch,
    readonly sources: SourceOffsets,
  ) {}

  static fresh(service: string, watchOptions: Partial<LogWatchOptions>): ServiceLogState {
    return new ServiceLogState(service, new TemplateMiner(), new ServiceLogWatch(service, watchOptions), new SourceOffsets({}));
  }

  static restore(service: string, checkpoint: ServiceLogCheckpoint, watchOptions: Partial<LogWatchOptions>): ServiceLogState {
    return new ServiceLogState(service, TemplateMiner.fromSnapshot(checkpoint.miner), new ServiceLogWatch(service, watchOptions, checkpoint.watch), new SourceOffsets({ ...checkpoint.sources }));
  }

  checkpoint(): ServiceLogCheckpoint {
    return { v: 1, miner: this.miner.toSnapshot(), watch: this.watch.state(), sources: this.sources.applied };
  }
}
