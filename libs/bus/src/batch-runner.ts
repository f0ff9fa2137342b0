import { DEAD_LETTER_HEADERS } from '@vigil/contracts';
import type { BatchContext, BusMessage, OutgoingMessage, SubscribeOptions } from './message-bus';
import { backoffMs, describeError, isRetriable } from './retriable';

export interface BatchRunnerDeps {
  options: SubscribeOptions;
  /** Publishes to the dead-letter topic. */
  publish: (topic: string, messages: readonly OutgoingMessage[]) => Promise<void>;
  /** False once the batch must be abandoned uncommitted (stopping, partition revoked). */
  isActive: () => boolean;
  sleep: (ms: number) => Promise<void>;
  context: BatchContext;
}

/**
 * The delivery semantics both buses share: run the handler until the batch succeeds; on a
 * non-retriable error retry message by message so only the poison ones are dead-lettered.
 * Returns true when the whole batch is done (handled or dead-lettered) and may be committed.
 */
export async function runBatch(batch: readonly BusMessage[], deps: BatchRunnerDeps): Promise<boolean> {
  const outcome = await attempt(batch, deps);
  if (outcome !== 'poison') return outcome === 'done';
  for (const message of batch) {
    const single = await attempt([message], deps);
    if (single === 'abandoned') return false;
    if (single === 'poison' && !(await deadLetter(message, deps))) return false;
  }
  return true;
}

type Outcome = 'done' | 'poison' | 'abandoned';

async function attempt(batch: readonly BusMessage[], deps: BatchRunnerDeps): Promise<Outcome> {
  const { options } = deps;
  const initial = options.retry?.initialMs ?? 100;
  const max = options.retry?.maxMs ?? 5000;
  for (let n = 1; ; n++) {
    if (!deps.isActive()) return 'abandoned';
    try {
      await options.handler(batch, deps.context);
      return 'done';
    } catch (error) {
      const poison = !isRetriable(error) && options.deadLetterTopic !== undefined;
      const first = batch[0] as BusMessage;
      options.onError?.(error, { topic: first.topic, partition: first.partition, attempt: n, deadLettered: poison && batch.length === 1 });
      if (poison) {
        lastErrors.set(first, error);
        return 'poison';
      }
      await deps.sleep(backoffMs(n, initial, max));
    }
  }
}

// The error that made a single message poison, kept for its dead-letter headers.
const lastErrors = new WeakMap<BusMessage, unknown>();

async function deadLetter(message: BusMessage, deps: BatchRunnerDeps): Promise<boolean> {
  const topic = deps.options.deadLetterTopic as string;
  const { code, reason } = describeError(lastErrors.get(message));
  const limit = deps.options.maxDeadLetterBytes ?? 1024 * 1024;
  const truncated = message.value.length > limit;
  const headers: Record<string, string> = {
    ...message.headers,
    [DEAD_LETTER_HEADERS.reason]: reason.slice(0, 1000),
    [DEAD_LETTER_HEADERS.code]: code,
    [DEAD_LETTER_HEADERS.sourceTopic]: message.topic,
    [DEAD_LETTER_HEADERS.sourcePartition]: String(message.partition),
    [DEAD_LETTER_HEADERS.sourceOffset]: message.offset,
  };
  if (truncated) headers[DEAD_LETTER_HEADERS.truncatedFrom] = String(message.value.length);
  const value = truncated ? message.value.subarray(0, limit) : message.value;
  const initial = deps.options.retry?.initialMs ?? 100;
  const max = deps.options.retry?.maxMs ?? 5000;
  // The dead-letter write itself must not lose the message: retry it like any transient fault.
  for (let n = 1; ; n++) {
    if (!deps.isActive()) return false;
    try {
      await deps.publish(topic, [{ key: message.key, value, headers }]);
      return true;
    } catch {
      await deps.sleep(backoffMs(n, initial, max));
    }
  }
}
