import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createInterface, type Interface } from 'node:readline';

/**
 * A librdkafka mock cluster (test/kafka-broker/mock-cluster.c) running as a child process on
 * 127.0.0.1, with a line protocol on stdin/stdout for fault injection. Broker ids are 1..N.
 * See test/kafka-broker/README.md.
 */

/** Kafka protocol API keys, for {@link MockKafkaCluster.pushRequestErrors}. */
export const KAFKA_API_KEYS = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  SyncGroup: 14,
} as const;
export type KafkaApiKey = (typeof KAFKA_API_KEYS)[keyof typeof KAFKA_API_KEYS];

/** Kafka protocol error codes, for {@link MockKafkaCluster.pushRequestErrors}. */
export const KAFKA_ERROR_CODES = {
  LEADER_NOT_AVAILABLE: 5,
  NOT_LEADER_OR_FOLLOWER: 6,
  REQUEST_TIMED_OUT: 7,
  COORDINATOR_NOT_AVAILABLE: 15,
  NOT_COORDINATOR: 16,
  /** Not retriable in kafkajs: a consumer that gets it from SyncGroup crashes for good. */
  INVALID_REQUEST: 42,
} as const;
export type KafkaErrorCode = (typeof KAFKA_ERROR_CODES)[keyof typeof KAFKA_ERROR_CODES];

export interface MockKafkaClusterOptions {
  /** Number of mock brokers (ids 1..brokers). Default 3. */
  brokers?: number;
  /** Path to the built mock-cluster binary. Default `<repo>/test/.work/kafka-mock-cluster`. */
  binaryPath?: string;
}

/** A command the mock cluster answered with `ERR <reason>`, or could not answer. */
export class MockKafkaClusterError extends Error {
  constructor(
    message: string,
    readonly command: string,
    readonly reason: string,
  ) {
    super(message);
    this.name = 'MockKafkaClusterError';
  }
}

const READY_TIMEOUT_MS = 10_000;
const STOP_KILL_AFTER_MS = 3_000;
const STDERR_KEEP_CHARS = 16_384;
const BINARY_NAME = 'kafka-mock-cluster';

let repoRootCache: string | undefined;

/** The monorepo root: the nearest ancestor of `from` whose package.json is named "vigil". */
export function findRepoRoot(from: string = __dirname): string {
  if (from === __dirname && repoRootCache !== undefined) return repoRootCache;
  let dir = path.resolve(from);
  for (;;) {
    const pkgPath = path.join(dir, 'package.json');
    if (fs.existsSync(pkgPath)) {
      try {
        const pkg: unknown = JSON.parse(fs.readFileSync(pkgPath, 'utf8'));
        if (typeof pkg === 'object' && pkg !== null && (pkg as { name?: unknown }).name === 'vigil') {
          if (from === __dirname) repoRootCache = dir;
          return dir;
        }
      } catch {
        // unreadable package.json: keep walking up
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`Cannot find the vigil repo root (a package.json with "name": "vigil") above ${from}`);
    }
    dir = parent;
  }
}

/** Default location of the mock-cluster binary built by test/kafka-broker/build.sh. */
export function defaultMockKafkaClusterBinary(): string {
  return path.join(findRepoRoot(), 'test', '.work', BINARY_NAME);
}

/**
 * Builds the mock-cluster binary (if missing or stale) by running test/kafka-broker/build.sh
 * synchronously. Returns the binary path; throws with the script's output on failure.
 */
export function buildMockKafkaCluster(): string {
  const script = path.join(findRepoRoot(), 'test', 'kafka-broker', 'build.sh');
  const result = spawnSync('bash', [script], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    timeout: 10 * 60_000,
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  if (result.error !== undefined) {
    throw new Error(`${script} could not run: ${result.error.message}\n${output}`);
  }
  if (result.status !== 0) {
    const how = result.status === null ? `was killed by ${result.signal ?? 'a signal'}` : `exited ${result.status}`;
    throw new Error(`${script} ${how}:\n${output}`);
  }
  const lines = (result.stdout ?? '').split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const binary = lines[lines.length - 1];
  if (binary === undefined || !fs.existsSync(binary)) {
    throw new Error(`${script} did not print an existing binary path:\n${output}`);
  }
  return binary;
}

interface Pending {
  command: string;
  resolve: () => void;
  reject: (error: Error) => void;
}

/** Kill any clusters a test left running if the test process exits without stop(). */
const live = new Set<ChildProcessWithoutNullStreams>();
let exitHookInstalled = false;
function track(child: ChildProcessWithoutNullStreams): void {
  live.add(child);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of live) {
        try {
          c.kill('SIGKILL');
        } catch {
          // already gone
        }
      }
    });
  }
}

function assertToken(value: string, what: string): void {
  if (value === '' || /\s/.test(value)) {
    throw new MockKafkaClusterError(
      `mock kafka cluster: invalid ${what} ${JSON.stringify(value)} (must be non-empty, no whitespace)`,
      '',
      `invalid ${what}`,
    );
  }
}

function assertInt(value: number, what: string): void {
  if (!Number.isSafeInteger(value)) {
    throw new MockKafkaClusterError(`mock kafka cluster: invalid ${what} ${String(value)} (must be an integer)`, '', `invalid ${what}`);
  }
}

export class MockKafkaCluster {
  /** Bootstrap `host:port` list, one entry per mock broker (broker id i+1 at index i). */
  readonly brokers: string[];

  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private stderrTail: string;
  private queue: Promise<void> = Promise.resolve();
  private pending: Pending | undefined;
  private exited = false;
  private exitDescription = '';
  private readonly exitPromise: Promise<void>;
  private stopPromise: Promise<void> | undefined;

  private constructor(
    child: ChildProcessWithoutNullStreams,
    lines: Interface,
    brokers: string[],
    stderrTail: { value: string },
    exitPromise: Promise<void>,
  ) {
    this.child = child;
    this.lines = lines;
    this.brokers = brokers;
    this.stderrTail = stderrTail.value;
    this.exitPromise = exitPromise;
    child.stderr.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_KEEP_CHARS);
    });
    lines.on('line', (line) => this.onLine(line));
  }

  /** Process id of the mock cluster (e.g. to check it is gone after stop()). */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Recent stderr output of the mock cluster (librdkafka warnings), for diagnostics. */
  get stderr(): string {
    return this.stderrTail;
  }

  /**
   * Starts a mock cluster and resolves once it printed READY. Does not build: call
   * {@link buildMockKafkaCluster} (e.g. in beforeAll) or run test/kafka-broker/build.sh first.
   */
  static async start(options: MockKafkaClusterOptions = {}): Promise<MockKafkaCluster> {
    const brokerCount = options.brokers ?? 3;
    if (!Number.isInteger(brokerCount) || brokerCount < 1 || brokerCount > 64) {
      throw new Error(`MockKafkaCluster: brokers must be an integer in 1..64, got ${String(brokerCount)}`);
    }
    const binary = options.binaryPath ?? defaultMockKafkaClusterBinary();
    if (!fs.existsSync(binary)) {
      throw new Error(
        `MockKafkaCluster: binary ${binary} not found; build it with test/kafka-broker/build.sh ` +
          `(or call buildMockKafkaCluster() in beforeAll)`,
      );
    }

    const child = spawn(binary, ['--brokers', String(brokerCount)], { stdio: ['pipe', 'pipe', 'pipe'] });
    track(child);
    const stderrTail = { value: '' };
    const onStderr = (chunk: Buffer): void => {
      stderrTail.value = (stderrTail.value + chunk.toString('utf8')).slice(-STDERR_KEEP_CHARS);
    };
    child.stderr.on('data', onStderr);
    // Writing to a dead child's stdin emits EPIPE here; the exit handler reports it instead.
    child.stdin.on('error', () => undefined);
    const exitPromise = new Promise<void>((resolve) => {
      child.once('close', () => {
        live.delete(child);
        resolve();
      });
    });
    const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });

    let brokers: string[];
    try {
      brokers = await new Promise<string[]>((resolve, reject) => {
        let settled = false;
        const settle = (): boolean => {
          if (settled) return false;
          settled = true;
          clearTimeout(timer);
          lines.off('line', onLine);
          child.off('error', onError);
          return true;
        };
        const fail = (why: string): void => {
          if (!settle()) return;
          const err = stderrTail.value.trim();
          reject(new Error(`MockKafkaCluster: ${why} (binary ${binary})${err === '' ? '' : `\nstderr:\n${err}`}`));
        };
        const timer = setTimeout(() => fail(`no READY line within ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
        const onLine = (line: string): void => {
          const m = /^READY (\S+)$/.exec(line.trim());
          if (m?.[1] === undefined) {
            fail(`unexpected first line ${JSON.stringify(line)} (expected "READY <bootstrap servers>")`);
          } else if (settle()) {
            resolve(m[1].split(','));
          }
        };
        const onError = (e: Error): void => fail(`could not start: ${e.message}`);
        lines.on('line', onLine);
        child.once('error', onError);
        // 'close' comes after stderr is drained, so the failure message includes all of it.
        void exitPromise.then(() =>
          fail(`exited before READY (${child.signalCode ?? `code ${String(child.exitCode)}`})`),
        );
      });
    } catch (e) {
      child.kill('SIGKILL');
      live.delete(child);
      lines.close();
      throw e;
    }
    child.stderr.off('data', onStderr);

    const cluster = new MockKafkaCluster(child, lines, brokers, stderrTail, exitPromise);
    child.once('exit', (code, signal) => cluster.onExit(code, signal));
    if (child.exitCode !== null || child.signalCode !== null) cluster.onExit(child.exitCode, child.signalCode);
    return cluster;
  }

  /** Creates a topic (the mock broker does not support the CreateTopics API). */
  async createTopic(name: string, partitions = 3, replication = 1): Promise<void> {
    assertToken(name, 'topic name');
    assertInt(partitions, 'partitions');
    assertInt(replication, 'replication');
    return this.send(`topic ${name} ${partitions} ${replication}`);
  }

  /** Closes the broker's connections and refuses new ones (ECONNREFUSED). Leaders do NOT move. */
  async brokerDown(brokerId: number): Promise<void> {
    assertInt(brokerId, 'brokerId');
    return this.send(`down ${brokerId}`);
  }

  /** Lets the broker accept connections again. */
  async brokerUp(brokerId: number): Promise<void> {
    assertInt(brokerId, 'brokerId');
    return this.send(`up ${brokerId}`);
  }

  /** Moves a partition's leadership (creates the topic if it does not exist). -1 = leaderless. */
  async setPartitionLeader(topic: string, partition: number, brokerId: number): Promise<void> {
    assertToken(topic, 'topic name');
    assertInt(partition, 'partition');
    assertInt(brokerId, 'brokerId');
    return this.send(`leader ${topic} ${partition} ${brokerId}`);
  }

  /**
   * The next `errorCodes.length` requests with this API key (to any broker, from any client)
   * fail with these error codes, in order.
   */
  async pushRequestErrors(apiKey: number, errorCodes: number[]): Promise<void> {
    assertInt(apiKey, 'apiKey');
    if (errorCodes.length === 0) {
      throw new MockKafkaClusterError('mock kafka cluster: pushRequestErrors needs at least one error code', '', 'no error codes');
    }
    errorCodes.forEach((c) => assertInt(c, 'error code'));
    return this.send(`errors ${apiKey} ${errorCodes.join(' ')}`);
  }

  /** Delays every response of the broker (-1 = all brokers) by `ms`. */
  async setRtt(brokerId: number, ms: number): Promise<void> {
    assertInt(brokerId, 'brokerId');
    assertInt(ms, 'ms');
    return this.send(`rtt ${brokerId} ${ms}`);
  }

  /** Round trip to the controller process. */
  async ping(): Promise<void> {
    return this.send('ping');
  }

  /** Stops the cluster: closes its stdin, waits for exit, SIGKILL after 3 s. Idempotent. */
  stop(): Promise<void> {
    this.stopPromise ??= this.doStop();
    return this.stopPromise;
  }

  private async doStop(): Promise<void> {
    if (!this.exited) {
      this.child.stdin.end();
      let timer: NodeJS.Timeout | undefined;
      const killed = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          if (!this.exited) this.child.kill('SIGKILL');
          resolve();
        }, STOP_KILL_AFTER_MS);
      });
      await Promise.race([this.exitPromise, killed]);
      clearTimeout(timer);
    }
    await this.exitPromise;
    this.lines.close();
  }

  /** Queues a command; resolves on OK, rejects with the ERR text. One command in flight at a time. */
  private send(command: string): Promise<void> {
    const run = (): Promise<void> =>
      new Promise<void>((resolve, reject) => {
        if (this.exited || this.stopPromise !== undefined) {
          reject(this.deadError(command));
          return;
        }
        this.pending = { command, resolve, reject };
        this.child.stdin.write(`${command}\n`);
      });
    const result = this.queue.then(run, run);
    this.queue = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  private onLine(line: string): void {
    const pending = this.pending;
    if (pending === undefined) {
      this.stderrTail = `${this.stderrTail}[unexpected stdout] ${line}\n`.slice(-STDERR_KEEP_CHARS);
      return;
    }
    this.pending = undefined;
    const text = line.trim();
    if (text === 'OK') {
      pending.resolve();
    } else if (text.startsWith('ERR')) {
      const reason = text.slice(3).trim();
      pending.reject(
        new MockKafkaClusterError(`mock kafka cluster: "${pending.command}" failed: ${reason}`, pending.command, reason),
      );
    } else {
      pending.reject(
        new MockKafkaClusterError(
          `mock kafka cluster: "${pending.command}" got unexpected reply ${JSON.stringify(line)}`,
          pending.command,
          `unexpected reply: ${line}`,
        ),
      );
    }
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.exited) return;
    this.exited = true;
    this.exitDescription = signal !== null ? `signal ${signal}` : `code ${String(code)}`;
    // 'close' comes after stdout/stderr are drained, so a last reply line has been handled by then.
    void this.exitPromise.then(() => {
      const pending = this.pending;
      this.pending = undefined;
      pending?.reject(this.deadError(pending.command));
    });
  }

  private deadError(command: string): MockKafkaClusterError {
    const why = this.exited ? `exited (${this.exitDescription})` : 'stopped';
    const err = this.stderrTail.trim();
    return new MockKafkaClusterError(
      `mock kafka cluster: "${command}" failed: the mock cluster ${why}${err === '' ? '' : `\nstderr:\n${err.slice(-2000)}`}`,
      command,
      `cluster ${why}`,
    );
  }
}
