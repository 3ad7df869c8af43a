export function applyMask(buf, mask, start, end, maskOffset = 0) {
    let i = start;
    let m = maskOffset & 3;
    if (end - start >= WORD_LOOP_MIN) {
        while (((buf.byteOffset + i) & 3) !== 0) {
            buf[i++] ^= mask[m];
            m = (m + 1) & 3;
        }
        const words = (end - i) >>> 2;
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
    while (i < end) {
        buf[i++] ^= mask[m];
        m = (m + 1) & 3;
    }
    return m;
}
const WORD_LOOP_MIN = 64;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
