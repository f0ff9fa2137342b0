import type { Readable } from 'node:stream';
import { gunzip } from 'node:zlib';
import type { ContentCoding } from './otlp-content-type';
import { OtlpGatewayError } from './otlp-gateway.error';

export interface ReadBodyOptions {
  coding: ContentCoding;
  /** Limit on the bytes read from the wire and again on the inflated bytes. */
  maxBytes: number;
  /** The Content-Length header, when the client sent one. */
  contentLength?: string | undefined;
}

function tooLarge(what: string, maxBytes: number): OtlpGatewayError {
  return new OtlpGatewayError('too_large', `${what} is over the ${maxBytes}-byte limit (VIGIL_MAX_MESSAGE_BYTES)`);
}

/**
 * Discards the rest of a body we refuse. Destroying the stream instead would reset the socket
 * before the client reads our 413, which most clients report as a network error and retry.
 */
function discard(stream: Readable): void {
  stream.removeAllListeners('data');
  stream.on('error', () => undefined);
  stream.resume();
}

/** Reads at most `maxBytes` from the wire; never buffers more than that. */
function readLimited(stream: Readable, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > maxBytes) {
        cleanup();
        discard(stream);
        reject(tooLarge('the request body', maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks, received));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(new OtlpGatewayError('bad_data', `the request body could not be read: ${error.message}`, undefined, { cause: error }));
    };
    // Node versions differ in what a client disconnecting mid-body emits ('error', 'aborted' or
    // only 'close'); 'close' settles the promise whatever came, or its slot would leak for good.
    const onClose = (): void => onError(new Error('the client closed the connection before the body ended'));
    const cleanup = (): void => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}

/** Inflates with an output cap: a gzip bomb stops at `maxBytes` instead of filling memory. */
function gunzipLimited(compressed: Buffer, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    gunzip(compressed, { maxOutputLength: maxBytes }, (error, inflated) => {
      if (!error) return resolve(inflated);
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
        return reject(tooLarge('the gzip-decompressed request body', maxBytes));
      }
      reject(new OtlpGatewayError('bad_data', `Content-Encoding is gzip but the body is not valid gzip: ${error.message}`, undefined, { cause: error }));
    });
  });
}

/** The request body as sent, decompressed, within the limit (413 otherwise, 400 for bad gzip). */
export async function readOtlpBody(stream: Readable, options: ReadBodyOptions): Promise<Buffer> {
  // A bug, not a client error: something (a body parser) consumed the stream before us.
  if (stream.readableEnded) throw new Error('the request body was already consumed before the OTLP receiver read it');
  const declared = options.contentLength === undefined ? NaN : Number(options.contentLength);
  // Refuse a declared oversize up front, before reading a byte of it.
  if (declared > options.maxBytes) {
    discard(stream);
    throw new OtlpGatewayError('too_large', `the request body is ${declared} bytes, over the ${options.maxBytes}-byte limit (VIGIL_MAX_MESSAGE_BYTES)`);
  }
  const wire = await readLimited(stream, options.maxBytes);
  return options.coding === 'gzip' ? gunzipLimited(wire, options.maxBytes) : wire;
}
