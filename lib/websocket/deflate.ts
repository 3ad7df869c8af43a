/**
 * Compressing one message, and inflating one in a single call (RFC 7692 §7.2).
 *
 * Synchronous raw deflate/inflate, never zlib streams or asynchronous jobs:
 * - nothing to queue, so there is no unbounded concurrency of asynchronous
 *   zlib jobs (the memory fragmentation of nodejs/node#8871 that `ws` works
 *   around with a limiter) and no zlib state lives between messages;
 * - inflation is bounded by `maxOutputLength`: zlib stops one 16 KiB chunk
 *   past the message size limit and we fail with 1009, so a decompression
 *   bomb costs at most the limit in memory;
 * - the cost is CPU on the event loop while one message is processed, which
 *   the message size limit bounds.
 * Incoming messages are normally inflated piece by piece as they arrive
 * (inflater.ts); `inflatePayload` is the fallback when Node's zlib handle is
 * not the one that file expects, and a helper for tests and tools.
 * A peer that keeps its window across messages (context takeover, only ever
 * granted to a server our client talks to) is handled without a long-lived
 * inflater: the tail of what we inflated is the window, given to the next
 * message's inflater as its preset dictionary (RFC 1951 back-references reach into it).
 */
import { createRequire } from 'node:module';
import type * as Zlib from 'node:zlib';
import type { NegotiatedDeflate } from './permessage-deflate.ts';

let loaded: typeof Zlib | undefined;
/**
 * node:zlib, loaded on first use: a process whose peers never negotiate
 * compression never carries zlib's code on its heap (memory per process).
 */
export function zlib(): typeof Zlib {
  return (loaded ??= createRequire(import.meta.url)('node:zlib') as typeof Zlib);
}

/** §7.2.1: the end of a sync flush, removed by the sender and put back by the receiver. */
const TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);

/** The compressed payload of one message (RSV1 set on its first frame). */
export function deflatePayload(data: string | Uint8Array, params: NegotiatedDeflate): Buffer {
  // zlib has no 256-byte window (it silently uses 512); with 8 bits we use
  // Huffman coding only, which makes no back-references at all.
  const huffmanOnly = params.compressWindowBits < 9;
  const { constants, deflateRawSync } = zlib();
  const out = deflateRawSync(data, {
    level: params.level,
    memLevel: params.memLevel,
    windowBits: huffmanOnly ? 9 : params.compressWindowBits,
    strategy: huffmanOnly ? constants.Z_HUFFMAN_ONLY : constants.Z_DEFAULT_STRATEGY,
    finishFlush: constants.Z_SYNC_FLUSH,
  });
  const end = out.length - 4;
  return end >= 0 && out[end] === 0 && out[end + 1] === 0 && out[end + 2] === 0xff && out[end + 3] === 0xff
    ? out.subarray(0, end)
    : out;
}

export type InflateResult = Buffer | 'too-big' | 'invalid';

/**
 * Inflates one message from its compressed frame payloads. `limit` is the
 * most bytes it may inflate to; `window` is the peer's retained window when
 * it takes context over.
 */
export function inflatePayload(parts: readonly Buffer[], size: number, limit: number, window?: Buffer): InflateResult {
  const input = Buffer.allocUnsafe(size + TAIL.length);
  let at = 0;
  for (const part of parts) {
    input.set(part, at);
    at += part.length;
  }
  input.set(TAIL, at);
  try {
    const { constants, inflateRawSync } = zlib();
    return inflateRawSync(input, {
      finishFlush: constants.Z_SYNC_FLUSH,
      maxOutputLength: Math.max(1, limit),
      windowBits: 15,
      ...(window !== undefined && window.length > 0 ? { dictionary: window } : {}),
    });
  } catch (error) {
    return (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ? 'too-big' : 'invalid';
  }
}

/** The window after `inflated`: its last 2^bits bytes, joined with the old window if it is shorter. */
export function nextWindow(window: Buffer | undefined, inflated: Buffer, bits: number): Buffer {
  const size = 1 << bits;
  if (inflated.length >= size) return Buffer.from(inflated.subarray(inflated.length - size));
  if (window === undefined || window.length === 0) return Buffer.from(inflated);
  const keep = Math.min(window.length, size - inflated.length);
  return Buffer.concat([window.subarray(window.length - keep), inflated]);
}
