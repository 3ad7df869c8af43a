import { randomFillSync } from 'node:crypto';
import { applyMask } from "./mask.js";
export const Opcode = {
    CONTINUATION: 0x0,
    TEXT: 0x1,
    BINARY: 0x2,
    CLOSE: 0x8,
    PING: 0x9,
    PONG: 0xa,
};
function headerSize(length, masked) {
    const base = length < 126 ? 2 : length < 0x10000 ? 4 : 10;
    return masked ? base + 4 : base;
}
function writeHeader(out, opcode, fin, length, masked, rsv1) {
    out[0] = (fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode;
    const maskBit = masked ? 0x80 : 0;
    if (length < 126) {
        out[1] = maskBit | length;
        return 2;
    }
    if (length < 0x10000) {
        out[1] = maskBit | 126;
        out.writeUInt16BE(length, 2);
        return 4;
    }
    out[1] = maskBit | 127;
    out.writeUInt32BE(Math.floor(length / 0x100000000), 2);
    out.writeUInt32BE(length >>> 0, 6);
    return 10;
}
const maskPool = Buffer.allocUnsafe(4096);
let maskPoolOffset = maskPool.length;
function nextMask() {
    if (maskPoolOffset === maskPool.length) {
        randomFillSync(maskPool);
        maskPoolOffset = 0;
    }
    const key = maskPool.subarray(maskPoolOffset, maskPoolOffset + 4);
    maskPoolOffset += 4;
    return key;
}
export function encodeFrame(opcode, payload, options = {}) {
    const masked = options.mask === true;
    const length = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
    const offset = headerSize(length, masked);
    const out = Buffer.allocUnsafe(offset + length);
    writeHeader(out, opcode, options.fin !== false, length, masked, options.compressed === true);
    if (typeof payload === 'string')
        out.write(payload, offset, length, 'utf8');
    else
        out.set(payload, offset);
    if (masked) {
        const key = nextMask();
        out.set(key, offset - 4);
        applyMask(out, key, offset, out.length);
    }
    return out;
}
export function encodeMessage(data, options = {}) {
    return encodeFrame(typeof data === 'string' ? Opcode.TEXT : Opcode.BINARY, data, options);
}
export function encodeClose(code, reason = '', options = {}) {
    if (code === undefined)
        return encodeFrame(Opcode.CLOSE, Buffer.alloc(0), options);
    let text = Buffer.from(reason, 'utf8');
    if (text.length > 123)
        text = truncateUtf8(text, 123);
    const body = Buffer.allocUnsafe(2 + text.length);
    body.writeUInt16BE(code, 0);
    body.set(text, 2);
    return encodeFrame(Opcode.CLOSE, body, options);
}
function truncateUtf8(bytes, limit) {
    let end = limit;
    while (end > 0 && (bytes[end] & 0xc0) === 0x80)
        end--;
    return bytes.subarray(0, end);
}
