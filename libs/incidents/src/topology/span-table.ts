/** Marks a slot whose entry was deleted: eviction must then leave the index alone. */
const DEAD = '';
const NONE = -1;

/**
 * A bounded multimap from a span id to (service, minute), the oldest entry evicted first: what the
 * span call linker remembers of spans still waiting for their other half.
 *
 * It sees every client and server span on the ingest hot path, so it allocates nothing per entry:
 * entries live in parallel arrays used as a ring, the index maps the hex id string the span
 * already carries to a slot number (a small integer, stored unboxed), and entries under the same
 * id are chained through `next`, oldest first. Because eviction follows write order, the entry
 * evicted is always the oldest of its chain, i.e. its head.
 *
 * `capacity: Infinity` makes it an unbounded, growing table (one batch's own spans).
 */
export class SpanTable {
  private readonly ids: string[] = [];
  private readonly services: string[] = [];
  private readonly minutes: number[] = [];
  private readonly next: number[] = [];
  private readonly heads = new Map<string, number>();
  private written = 0;
  private live = 0;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError(`capacity must be at least 1, got ${capacity}`);
  }

  /** Entries held (never more than the capacity). */
  get size(): number {
    return this.live;
  }

  /** Slots ever used, for walking every entry with `isLive`: at most the capacity. */
  get slots(): number {
    return Math.min(this.written, this.capacity);
  }

  add(id: string, service: string, minuteMs: number): void {
    const slot = this.claim();
    this.write(slot, id, service, minuteMs);
    const head = this.heads.get(id); // read after `claim`: eviction may have moved it
    if (head === undefined) {
      this.heads.set(id, slot);
      return;
    }
    let tail = head;
    while ((this.next[tail] as number) !== NONE) tail = this.next[tail] as number;
    this.next[tail] = slot;
  }

  /** Adds an entry under `id` unless there is one: the same span seen again (a redone batch). */
  addOnce(id: string, service: string, minuteMs: number): void {
    if (this.heads.has(id)) return;
    const slot = this.claim();
    this.write(slot, id, service, minuteMs);
    this.heads.set(id, slot);
  }

  /** The oldest slot under `id`, or -1. Walk on with `nextOf`. */
  first(id: string): number {
    return this.heads.get(id) ?? NONE;
  }

  nextOf(slot: number): number {
    return this.next[slot] as number;
  }

  idAt(slot: number): string {
    return this.ids[slot] as string;
  }

  serviceAt(slot: number): string {
    return this.services[slot] as string;
  }

  minuteAt(slot: number): number {
    return this.minutes[slot] as number;
  }

  isLive(slot: number): boolean {
    return this.ids[slot] !== DEAD;
  }

  /** Forgets every entry under `id`. */
  delete(id: string): void {
    let slot = this.heads.get(id);
    if (slot === undefined) return;
    this.heads.delete(id);
    while (slot !== NONE) {
      this.ids[slot] = DEAD;
      this.live--;
      slot = this.next[slot] as number;
    }
  }

  /** The next slot of the ring, its oldest entry evicted. */
  private claim(): number {
    const slot = this.written % this.capacity;
    if (this.written >= this.capacity) this.evict(slot);
    this.written++;
    this.live++;
    return slot;
  }

  private write(slot: number, id: string, service: string, minuteMs: number): void {
    this.ids[slot] = id;
    this.services[slot] = service;
    this.minutes[slot] = minuteMs;
    this.next[slot] = NONE;
  }

  private evict(slot: number): void {
    const id = this.ids[slot] as string;
    if (id === DEAD) return;
    this.live--;
    // Always true (see the class comment); checked so a broken invariant cannot corrupt the index.
    if (this.heads.get(id) !== slot) return;
    const after = this.next[slot] as number;
    if (after === NONE) this.heads.delete(id);
    else this.heads.set(id, after);
  }
}
