import type * as Zlib from 'node:zlib';
import type { NegotiatedDeflate } from './permessage-deflate.ts';
/**
 * node:zlib, loaded on first use: a process whose peers never negotiate
 * compression never carries zlib's code on its heap (memory per process).
 */
export declare function zlib(): typeof Zlib;
/** The compressed payload of one message (RSV1 set on its first frame). */
export declare function deflatePayload(data: string | Uint8Array, params: NegotiatedDeflate): Buffer;
export type InflateResult = Buffer | 'too-big' | 'invalid';
/**
 * Inflates one message from its compressed frame payloads. `limit` is the
 * most bytes it may inflate to; `window` is the peer's retained window when
 * it takes context over.
 */
export declare function inflatePayload(parts: readonly Buffer[], size: number, limit: number, window?: Buffer): InflateResult;
/** The window after `inflated`: its last 2^bits bytes, joined with the old window if it is shorter. */
export declare function nextWindow(window: Buffer | undefined, inflated: Buffer, bits: number): Buffer;
