import { ServiceLogWatch, TemplateMiner, type LogWatchOptions, type ServiceLogWatchState, type TemplateMinerSnapshot } from '@vigil/detect';

/** Checkpointed per service: its miner, its log watch, and how far each source partition got. */
export interface ServiceLogCheckpoint {
  v: 1;
  miner: TemplateMinerSnapshot;
  watch: ServiceLogWatchState;
  /** Highest source offset applied per `topic/partition` of the otlp_* topics (dedup of republished signals). */
  sources: Record<string, string>;
}

export class ServiceLogState {
  constructor(
    readonly service: string,
    readonly miner: TemplateMiner,
    readonly watch: ServiceLogWatch,
    readonly sources: Record<string, string>,
  ) {}

  static fresh(service: string, watchOptions: Partial<LogWatchOptions>): ServiceLogState {
    return new ServiceLogState(service, new TemplateMiner(), new ServiceLogWatch(service, watchOptions), {});
  }

  static restore(service: string, checkpoint: ServiceLogCheckpoint, watchOptions: Partial<LogWatchOptions>): ServiceLogState {
    return new ServiceLogState(service, TemplateMiner.fromSnapshot(checkpoint.miner), new ServiceLogWatch(service, watchOptions, checkpoint.watch), { ...checkpoint.sources });
  }

  /** Whether the source message was already applied to this service (a republished signal). */
  seen(topic: string, partition: number, offset: string): boolean {
    const applied = this.sources[`${topic}/${partition}`];
    return applied !== undefined && BigInt(offset) <= BigInt(applied);
  }

  markApplied(topic: string, partition: number, offset: string): void {
    this.sources[`${topic}/${partition}`] = offset;
  }

  checkpoint(): ServiceLogCheckpoint {
    return { v: 1, miner: this.miner.toSnapshot(), watch: this.watch.state(), sources: this.sources };
  }
}
