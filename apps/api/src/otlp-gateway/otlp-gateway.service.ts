import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import type { OutgoingMessage } from '@vigil/bus';
import { OtlpDecodeError, parseOtlpExportRequest, type OtlpSignal, type ParsedOtlpRequest } from '@vigil/otlp';
import type { Logger } from 'pino';
import { readOtlpBody } from './otlp-body.reader';
import type { ContentCoding, OtlpHttpEncoding } from './otlp-content-type';
import { OtlpGatewayError } from './otlp-gateway.error';
import { OTLP_GATEWAY_LOGGER, OTLP_GATEWAY_OPTIONS, type ResolvedOtlpGatewayOptions } from './otlp-gateway.options';

/** Over the in-flight cap: requests finish in milliseconds, so a short pause is enough. */
export const OVERLOADED_RETRY_AFTER_SECONDS = 1;
/**
 * The bus failed or stalled. Producers already retry internally before giving up, so the broker
 * has been away a while; a few seconds spares it a retry storm while it recovers, and still fits
 * inside the SDK exporters' 10 s export timeout for one more attempt.
 */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/** Headers on every published message: where it came from, for operators reading the topic. */
export const OTLP_GATEWAY_MESSAGE_HEADERS = { source: 'vigil-source', signal: 'vigil-otlp-signal' } as const;
export const OTLP_GATEWAY_SOURCE = 'otlp-http';

export interface OtlpExportInput {
  encoding: OtlpHttpEncoding;
  coding: ContentCoding;
  contentLength: string | undefined;
  body: Readable;
}

export interface OtlpExportOutcome {
  /** Log records, data points or spans published; 0 means an empty request, not published. */
  itemCount: number;
}

/** A view, not a copy: for protobuf requests these are the very bytes read from the wire. */
const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

const DECODER_ENCODING = { protobuf: 'otlp_proto', json: 'otlp_json' } as const satisfies Record<OtlpHttpEncoding, string>;

/**
 * OTLP/HTTP export → one bus message on the signal's topic, as the Collector's kafka exporter
 * writes it. Resolves only once the bus confirmed the publish, so a 200 never loses data.
 * Refusals are `OtlpGatewayError`s; anything else is a bug.
 */
@Injectable()
export class OtlpGatewayService {
  private inFlight = 0;

  constructor(
    @Inject(OTLP_GATEWAY_OPTIONS) private readonly options: ResolvedOtlpGatewayOptions,
    @Inject(OTLP_GATEWAY_LOGGER) private readonly logger: Logger | null,
  ) {}

  async export(signal: OtlpSignal, input: OtlpExportInput): Promise<OtlpExportOutcome> {
    // Admission comes before reading the body so the cap bounds memory, not just publishes.
    const release = this.admit();
    let publishing: Promise<void> | undefined;
    try {
      const body = await readOtlpBody(input.body, { coding: input.coding, maxBytes: this.options.maxBytes, contentLength: input.contentLength });
      const parsed = this.parse(signal, body, input.encoding);
      // The spec lets receivers drop empty envelopes; a message with nothing in it only costs consumers.
      if (parsed.itemCount === 0) return { itemCount: 0 };
      publishing = this.publish(signal, parsed);
      await this.confirm(signal, publishing);
      return { itemCount: parsed.itemCount };
    } finally {
      // A timed-out publish still holds its bytes in the producer: keep its slot taken until it
      // settles, so a stalled bus turns into 429s instead of unbounded memory.
      if (publishing) void publishing.then(release, release);
      else release();
    }
  }

  private admit(): () => void {
    if (this.inFlight >= this.options.maxInFlight) {
      throw new OtlpGatewayError(
        'overloaded',
        `too many OTLP export requests in flight (limit ${this.options.maxInFlight}); retry after ${OVERLOADED_RETRY_AFTER_SECONDS} s`,
        OVERLOADED_RETRY_AFTER_SECONDS,
      );
    }
    this.inFlight++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight--;
    };
  }

  private parse(signal: OtlpSignal, body: Buffer, encoding: OtlpHttpEncoding): ParsedOtlpRequest {
    try {
      return parseOtlpExportRequest(signal, body, DECODER_ENCODING[encoding], { maxBytes: this.options.maxBytes });
    } catch (error) {
      if (!(error instanceof OtlpDecodeError)) throw error;
      const kind = error.code === 'oversized' ? 'too_large' : 'bad_data';
      throw new OtlpGatewayError(kind, error.message, undefined, { cause: error });
    }
  }

  private publish(signal: OtlpSignal, parsed: ParsedOtlpRequest): Promise<void> {
    const message: OutgoingMessage = {
      // No key: the request is opaque to routing, like the Collector's kafka exporter by default.
      value: asBuffer(this.options.topicEncoding === 'otlp_proto' ? parsed.toProto() : parsed.toJson()),
      headers: { [OTLP_GATEWAY_MESSAGE_HEADERS.source]: OTLP_GATEWAY_SOURCE, [OTLP_GATEWAY_MESSAGE_HEADERS.signal]: signal },
    };
    try {
      return this.options.bus.publish(this.options.topics[signal], [message]);
    } catch (error) {
      // A bus that throws synchronously still means "not published", not a bug in this request.
      return Promise.reject(error);
    }
  }

  /** Waits for the publish, at most `publishTimeoutMs`; either failure is 503. */
  private async confirm(signal: OtlpSignal, publishing: Promise<void>): Promise<void> {
    const topic = this.options.topics[signal];
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.options.publishTimeoutMs);
    });
    try {
      const outcome = await Promise.race([publishing.then(() => 'published' as const), timeout]);
      if (outcome === 'timeout') {
        this.logger?.warn({ topic, timeoutMs: this.options.publishTimeoutMs }, 'OTLP publish not confirmed in time; answered 503');
        throw new OtlpGatewayError(
          'unavailable',
          `the message bus did not confirm the publish to ${topic} within ${this.options.publishTimeoutMs} ms; retry after ${UNAVAILABLE_RETRY_AFTER_SECONDS} s`,
          UNAVAILABLE_RETRY_AFTER_SECONDS,
        );
      }
    } catch (error) {
      if (error instanceof OtlpGatewayError) throw error;
      this.logger?.warn({ err: error, topic }, 'OTLP publish failed; answered 503');
      throw new OtlpGatewayError(
        'unavailable',
        `the message bus could not publish to ${topic}; retry after ${UNAVAILABLE_RETRY_AFTER_SECONDS} s`,
        UNAVAILABLE_RETRY_AFTER_SECONDS,
        { cause: error },
      );
    } finally {
      clearTimeout(timer);
    }
  }
}
