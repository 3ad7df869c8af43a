import { createRequire } from 'node:module';
let loaded;
export function zlib() {
    return (loaded ??= createRequire(import.meta.url)('node:zlib'));
}
const TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);
export function deflatePayload(data, params) {
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
export function inflatePayload(parts, size, limit, window) {
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
    }
    catch (error) {
        return error.code === 'ERR_BUFFER_TOO_LARGE' ? 'too-big' : 'invalid';
    }
}
export function nextWindow(window, inflated, bits) {
    const size = 1 << bits;
    if (inflated.length >= size)
        return Buffer.from(inflated.subarray(inflated.length - size));
    if (window === undefined || window.length === 0)
        return Buffer.from(inflated);
    const keep = Math.min(window.length, size - inflated.length);
    return Buffer.concat([window.subarray(window.length - keep), inflated]);
}
