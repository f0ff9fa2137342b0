import { parseArgs } from 'node:util';
import { SeriesDetector, type SeriesDetectorState, type SeriesPoint } from '@vigil/detect';

/**
 * `npx vigil bench detect [--json] [--runs N]`: the streaming metric detector on 100k live series,
 * updated round-robin the way an ingest worker sees them. Throughput against the ceiling measured
 * in the same process (a bare EWMA mean/variance updater behind the same loop and points), twice:
 * with prepared series keys (the tightest loop, `ratio`) and with each point's key built from its
 * parts as a decoding worker does (`ingest_ratio`). Then state bytes per series (JSON and heap),
 * and the time to checkpoint all states to JSON and restore them.
 * Run with --expose-gc (`vigil bench` does) for the heap figure.
 */
const { values: args } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    runs: { type: 'string', default: '5' },
    series: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '40' },
  },
});
const runs = Number(args.runs);
const seriesCount = Number(args.series);
const rounds = Number(args.rounds);
const warmupRounds = Number(args.warmup);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const STEP_MS = 60_000;
const T0 = Date.UTC(2026, 0, 1);

/** The ceiling: a per-series EWMA mean and variance giving a z-score, behind the same loop. */
class EwmaUpdater {
  private mean = 0;
  private variance = 0;
  update(point: SeriesPoint): { t: number; score: number } {
    const d = point.v - this.mean;
    this.mean += 0.05 * d;
    this.variance = 0.95 * (this.variance + 0.05 * d * d);
    return { t: point.t, score: Math.abs(d) / Math.sqrt(this.variance + 1e-12) };
  }
}

interface Updater {
  update(point: SeriesPoint): { score: number };
}

/** Live series as an ingest worker holds them: by series key (metric name and labels). */
type Fleet = Map<string, Updater>;
const seriesKey = (i: number): string => `http_server_duration_ms{service="svc-${i % 500}",route="/r/${Math.floor(i / 500)}",pod="p-${i % 7}"}`;
const keys = Array.from({ length: seriesCount }, (_, i) => seriesKey(i));
function fleet(make: () => Updater): Fleet {
  return new Map(keys.map((key) => [key, make()]));
}

/** A cheap deterministic metric per series: a level, daily swing and noise, with rare spikes. */
function valueOf(series: number, round: number): number {
  let h = Math.imul(series ^ Math.imul(round, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  const noise = (h & 0xffff) / 65536 - 0.5;
  const spike = (h >>> 16) % 5000 === 0 ? 50 : 0;
  return 100 + (series % 97) + 10 * Math.sin(round / 240) + 4 * noise + spike;
}

/**
 * Round-robin updates over all series from `fromRound`, each looked up by key, fed a fresh point,
 * its score consumed; returns updates per second. `ingestShaped` builds each point's series key
 * from its parts, as a worker decoding OTLP does, instead of reusing a prepared string.
 */
function drive(updaters: Fleet, fromRound: number, roundCount: number, ingestShaped = false): number {
  let alarms = 0;
  const started = performance.now();
  for (let r = fromRound; r < fromRound + roundCount; r++) {
    const t = T0 + r * STEP_MS;
    for (let s = 0; s < keys.length; s++) {
      const key = ingestShaped ? seriesKey(s) : (keys[s] as string);
      const { score } = (updaters.get(key) as Updater).update({ t, v: valueOf(s, r) });
      if (score > 0.99) alarms++;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  if (alarms < 0) throw new Error('unreachable: keeps the scores alive');
  return (keys.length * roundCount) / seconds;
}

/** Heap plus array-buffer backing stores (a detector keeps its numbers in a Float64Array). */
function heapAndBuffers(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function main(): void {
  const hasGc = typeof (globalThis as { gc?: () => void }).gc === 'function';
  gc();
  const heapBefore = heapAndBuffers();
  const detectors = fleet(() => new SeriesDetector());
  const ewma = fleet(() => new EwmaUpdater());
  // warm both up past the detectors' warm-up, so the timed rounds see steady-state series
  drive(detectors, 0, warmupRounds);
  drive(ewma, 0, warmupRounds);
  gc();
  const heapAfter = heapAndBuffers();

  const detectorRates: number[] = [];
  const ceilingRates: number[] = [];
  const ingestDetectorRates: number[] = [];
  const ingestCeilingRates: number[] = [];
  let round = warmupRounds;
  for (let i = 0; i < runs; i++) {
    // alternate the order so neither side always runs on a warmer heap
    if (i % 2 === 0) {
      ceilingRates.push(drive(ewma, round, rounds));
      detectorRates.push(drive(detectors, round, rounds));
      ingestCeilingRates.push(drive(ewma, round + rounds, rounds, true));
      ingestDetectorRates.push(drive(detectors, round + rounds, rounds, true));
    } else {
      detectorRates.push(drive(detectors, round, rounds));
      ceilingRates.push(drive(ewma, round, rounds));
      ingestDetectorRates.push(drive(detectors, round + rounds, rounds, true));
      ingestCeilingRates.push(drive(ewma, round + rounds, rounds, true));
    }
    round += 2 * rounds;
  }

  gc();
  const checkpointStarted = performance.now();
  const live = [...detectors.values()] as SeriesDetector[];
  const checkpoint = JSON.stringify(live.map((d) => d.state()));
  const checkpointMs = performance.now() - checkpointStarted;
  const restoreStarted = performance.now();
  const restored = (JSON.parse(checkpoint) as SeriesDetectorState[]).map((state) => new SeriesDetector({}, state));
  const restoreMs = performance.now() - restoreStarted;
  // the restored fleet must carry on exactly where the live one is
  for (const s of [0, Math.floor(seriesCount / 2), seriesCount - 1]) {
    const point = { t: T0 + round * STEP_MS, v: valueOf(s, round) };
    if (JSON.stringify((restored[s] as SeriesDetector).update(point)) !== JSON.stringify((live[s] as SeriesDetector).update(point))) {
      throw new Error(`restored series ${s} diverged from the live one`);
    }
  }
  const jsonBytes = checkpoint.length / seriesCount;
  // the heap delta includes the EWMA fleet and both maps; subtract that share, measured the same way
  gc();
  const ewmaBefore = heapAndBuffers();
  const moreEwma = fleet(() => new EwmaUpdater());
  drive(moreEwma, 0, 1);
  gc();
  const ewmaBytes = (heapAndBuffers() - ewmaBefore) / seriesCount;
  const heapBytes = hasGc ? (heapAfter - heapBefore) / seriesCount - ewmaBytes : NaN;

  const updatesPerS = median(detectorRates);
  const ceilingPerS = median(ceilingRates);
  const result = {
    series: seriesCount,
    runs,
    updates_per_run: seriesCount * rounds,
    updates_per_s: Math.round(updatesPerS),
    ceiling_updates_per_s: Math.round(ceilingPerS),
    ratio: Number((updatesPerS / ceilingPerS).toFixed(3)),
    ingest_updates_per_s: Math.round(median(ingestDetectorRates)),
    ingest_ceiling_updates_per_s: Math.round(median(ingestCeilingRates)),
    ingest_ratio: Number((median(ingestDetectorRates) / median(ingestCeilingRates)).toFixed(3)),
    state_bytes_per_series: Math.round(jsonBytes),
    heap_bytes_per_series: Number.isFinite(heapBytes) ? Math.round(heapBytes) : null,
    checkpoint_ms: Math.round(checkpointMs),
    restore_ms: Math.round(restoreMs),
    checkpoint_mb: Number((checkpoint.length / 1e6).toFixed(1)),
  };
  const rows: [string, string][] = [
    ['series (live, round-robin)', String(seriesCount)],
    ['runs (median of)', `${runs} × ${(seriesCount * rounds).toLocaleString('en')} updates`],
    ['SeriesDetector updates/s', result.updates_per_s.toLocaleString('en')],
    ['ceiling: bare EWMA updates/s', result.ceiling_updates_per_s.toLocaleString('en')],
    ['ratio', result.ratio.toFixed(3)],
    ['ingest-shaped (key built per point)', `${result.ingest_updates_per_s.toLocaleString('en')} vs ${result.ingest_ceiling_updates_per_s.toLocaleString('en')} updates/s`],
    ['ingest-shaped ratio', result.ingest_ratio.toFixed(3)],
    ['state bytes/series (JSON)', String(result.state_bytes_per_series)],
    ['state bytes/series (memory)', result.heap_bytes_per_series === null ? 'n/a (run with --expose-gc)' : String(result.heap_bytes_per_series)],
    ['checkpoint all to JSON', `${result.checkpoint_ms} ms (${result.checkpoint_mb} MB)`],
    ['restore all from JSON', `${result.restore_ms} ms`],
  ];
  for (const [name, value] of rows) process.stdout.write(`${name.padEnd(38)} ${value}\n`);
  const list = (xs: number[]): string => xs.map((r) => Math.round(r)).join(', ');
  process.stdout.write(`per run: detector ${list(detectorRates)}; ceiling ${list(ceilingRates)}\n`);
  process.stdout.write(`per run, ingest-shaped: detector ${list(ingestDetectorRates)}; ceiling ${list(ingestCeilingRates)}\n`);
  if (args.json) process.stdout.write(`${JSON.stringify(result)}\n`);
}

main();
