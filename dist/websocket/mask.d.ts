/**
 * XOR masking of payloads (RFC 6455 §5.3). The same operation masks and
 * unmasks. Works a 32-bit word at a time over the aligned middle of the
 * buffer, which is several times faster than a byte loop on large payloads.
 */
/**
 * Masks `buf[start..end)` in place with the 4-byte `mask`, where the byte at
 * `start` is at position `maskOffset` of the masking stream (so a payload
 * that arrives in several chunks can be unmasked piece by piece).
 * Returns the mask offset for the byte after `end`.
 */
export declare function applyMask(buf: Uint8Array, mask: Uint8Array, start: number, end: number, maskOffset?: number): number;
