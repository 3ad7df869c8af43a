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
export function applyMask(buf, mask, start, end, maskOffset = 0) {
    let i = start;
    let m = maskOffset & 3;
    // Short payloads (most chat messages) are cheaper byte by byte than the
    // typed-array view the word loop needs.
    if (end - start >= WORD_LOOP_MIN) {
        // Head: bytes until the absolute address is 4-byte aligned.
        while (((buf.byteOffset + i) & 3) !== 0) {
            buf[i++] ^= mask[m];
            m = (m + 1) & 3;
        }
        const words = (end - i) >>> 2;
        // The mask rotated so that its byte `m` lines up with each word's first
        // byte, in the platform's byte order (the view reads words natively).
        const b0 = mask[m];
        const b1 = mask[(m + 1) & 3];
        const b2 = mask[(m + 2) & 3];
        const b3 = mask[(m + 3) & 3];
        const key = LITTLE_ENDIAN ? b0 | (b1 << 8) | (b2 << 16) | (b3 << 24) : (b0 << 24) | (b1 << 16) | (b2 << 8) | b3;
        const view = new Int32Array(buf.buffer, buf.byteOffset + i, words);
        for (let w = 0; w < words; w++)
            view[w] ^= key;
        i += words << 2;
    }
    // Tail: whatever is left after the last whole word (or the whole payload).
    while (i < end) {
        buf[i++] ^= mask[m];
        m = (m + 1) & 3;
    }
    return m;
}
/** Below this many bytes the byte loop wins. */
const WORD_LOOP_MIN = 64;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
