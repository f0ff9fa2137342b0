import { randomUUID } from 'node:crypto';
import { runBatch } from './batch-runner';
import type { BusMessage, MessageBus, OutgoingMessage, SubscribeOptions, Subscription, TopicSpec } from './message-bus';
import { Notifier, sleep } from './notifier';
import { partitionForKey } from './partitioner';

interface Member {
  options: SubscribeOptions;
  stopping: boolean;
  inFlight: Set<Promise<unknown>>;
}

/** A partition's retained messages; offsets keep counting after older ones are trimmed. */
interface PartitionLog {
  base: number;
  messages: BusMessage[];
}

interface Group {
  members: Member[];
  /** Next offset to read, per `topic/partition`: the committed position. */
  committed: Map<string, number>;
  owners: Map<string, Member>;
  workers: Set<string>;
}

const toBuffer = (v: string | Buffer): Buffer => (typeof v === 'string' ? Buffer.from(v) : v);

/**
 * Kafka's consumption contract in one process: partitioned topics, consumer groups that share
 * partitions, commit after the handler succeeds, redelivery from the committed offset.
 */
export class InProcessBus implements MessageBus {
  readonly kind = 'in-process' as const;
  readonly namespace = `in-process:${randomUUID()}`;
  private readonly topics = new Map<string, PartitionLog[]>();
  private readonly groups = new Map<string, Group>();
  private readonly changed = new Notifier();
  private roundRobin = 0;
  private closed = false;

  constructor(private readonly defaultPartitions = 3) {}

  async ensureTopics(topics: readonly TopicSpec[]): Promise<void> {
    for (const t of topics) this.topic(t.name, t.partitions);
  }

  async publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    if (this.closed) throw Object.assign(new Error('bus is shut down'), { retriable: false });
    const partitions = this.topic(topic);
    for (const m of messages) {
      const key = m.key === undefined || m.key === null ? null : toBuffer(m.key);
      const partition = key ? partitionForKey(key, partitions.length) : this.roundRobin++ % partitions.length;
      const log = partitions[partition] as PartitionLog;
      log.messages.push({
        topic,
        partition,
        offset: String(log.base + log.messages.length),
        key,
        value: toBuffer(m.value),
        headers: { ...(m.headers ?? {}) },
        timestamp: String(Date.now()),
      });
    }
    this.changed.notify();
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const group = this.group(options.groupId);
    const member: Member = { options, stopping: false, inFlight: new Set() };
    for (const topic of options.topics) this.topic(topic);
    group.members.push(member);
    this.rebalance(group);
    return {
      ready: Promise.resolve(),
      stop: async () => {
        if (member.stopping) return;
        member.stopping = true;
        group.members = group.members.filter((m) => m !== member);
        this.rebalance(group);
        await Promise.allSettled([...member.inFlight]);
      },
    };
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    const members = [...this.groups.values()].flatMap((g) => g.members);
    for (const m of members) m.stopping = true;
    this.changed.notify();
    await Promise.allSettled(members.flatMap((m) => [...m.inFlight]));
  }

  private topic(name: string, partitions = this.defaultPartitions): PartitionLog[] {
    let topic = this.topics.get(name);
    if (!topic) {
      topic = Array.from({ length: partitions }, () => ({ base: 0, messages: [] }));
      this.topics.set(name, topic);
    }
    return topic;
  }

  private group(id: string): Group {
    let group = this.groups.get(id);
    if (!group) {
      group = { members: [], committed: new Map(), owners: new Map(), workers: new Set() };
      this.groups.set(id, group);
    }
    return group;
  }

  /**
   * Retention: drop what every group reading this topic has committed, so a long-running
   * embedded process does not keep every message it ever carried.
   */
  private trim(topic: string, partition: number, log: PartitionLog): void {
    const tp = `${topic}/${partition}`;
    let low = Infinity;
    for (const group of this.groups.values()) {
      if (!group.workers.has(tp) && !group.committed.has(tp)) continue;
      low = Math.min(low, group.committed.get(tp) ?? log.base);
    }
    const drop = Math.min(low, log.base + log.messages.length) - log.base;
    if (drop > 0 && Number.isFinite(drop)) {
      log.messages.splice(0, drop);
      log.base += drop;
    }
  }

  /** Retained message count per partition of a topic (for tests and metrics). */
  retained(topic: string): number[] {
    return (this.topics.get(topic) ?? []).map((p) => p.messages.length);
  }

  /** Round-robin assignment of each topic's partitions over the members subscribed to it. */
  private rebalance(group: Group): void {
    group.owners.clear();
    const topics = new Set(group.members.flatMap((m) => m.options.topics));
    for (const topic of topics) {
      const members = group.members.filter((m) => m.options.topics.includes(topic));
      const partitions = this.topic(topic).length;
      for (let p = 0; p < partitions; p++) {
        const tp = `${topic}/${p}`;
        group.owners.set(tp, members[p % members.length] as Member);
        if (!group.workers.has(tp)) {
          group.workers.add(tp);
          void this.work(group, topic, p);
        }
      }
    }
    this.changed.notify();
  }

  /** One loop per group and partition, so a partition is never handled by two members at once. */
  private async work(group: Group, topic: string, partition: number): Promise<void> {
    const tp = `${topic}/${partition}`;
    const log = this.topic(topic)[partition] as PartitionLog;
    while (!this.closed) {
      const owner = group.owners.get(tp);
      // Below the retained range (trimmed before this group existed): start at the earliest kept.
      const position = Math.max(group.committed.get(tp) ?? 0, log.base);
      if (!owner || owner.stopping || position >= log.base + log.messages.length) {
        await this.changed.wait(1000);
        continue;
      }
      const start = position - log.base;
      const batch = log.messages.slice(start, start + (owner.options.maxBatchSize ?? 500));
      const run = runBatch(batch, {
        options: owner.options,
        publish: (t, m) => this.publish(t, m),
        isActive: () => !this.closed && !owner.stopping && group.owners.get(tp) === owner,
        sleep,
        context: { highWatermark: String(log.base + log.messages.length) },
      });
      owner.inFlight.add(run);
      try {
        if (await run) {
          group.committed.set(tp, position + batch.length);
          this.trim(topic, partition, log);
        }
      } finally {
        owner.inFlight.delete(run);
      }
    }
    group.workers.delete(tp);
  }
}
