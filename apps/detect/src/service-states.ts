import { DetectorCheckpointRepository, type Queryable } from '@vigil/store';

/**
 * A cache of one kind of per-service state (log or series), loaded from its checkpoint on first
 * use. Which services a vigil.signals partition carried is remembered, so when the partition's
 * cache cannot be trusted (another worker advanced it, or a batch failed midway) exactly those
 * services are dropped and reloaded.
 */
export class ServiceStates<S extends { checkpoint(): unknown }, C> {
  private readonly states = new Map<string, S>();
  private readonly byPartition = new Map<number, Set<string>>();

  constructor(
    private readonly namespace: string,
    private readonly prefix: string,
    private readonly fresh: (service: string) => S,
    private readonly restore: (service: string, checkpoint: C) => S,
  ) {}

  owner(service: string): string {
    return `${this.prefix}:${service}`;
  }

  async get(tx: Queryable, service: string, partition: number): Promise<S> {
    let state = this.states.get(service);
    if (!state) {
      const checkpoint = await new DetectorCheckpointRepository(tx).load<C>(this.namespace, this.owner(service));
      state = checkpoint ? this.restore(service, checkpoint) : this.fresh(service);
      this.states.set(service, state);
    }
    let services = this.byPartition.get(partition);
    if (!services) this.byPartition.set(partition, (services = new Set()));
    services.add(service);
    return state;
  }

  forget(partition: number): void {
    for (const service of this.byPartition.get(partition) ?? []) this.states.delete(service);
    this.byPartition.delete(partition);
  }
}
