/**
 * Frame encoding (RFC 6455 §5.2): turns payloads into wire bytes. Server
 * frames are unmasked; client frames are masked with a fresh random key per
 * frame (§5.3). Pure functions with no I/O, so one encoded frame can be
 * written to many connections (broadcast).
 */
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
/** Bytes of header for a payload of `length` bytes (§5.2 payload length). */
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
    // 53 bits are enough for any buffer Node can hold; the top bit stays 0 (§5.2).
    out.writeUInt32BE(Math.floor(length / 0x100000000), 2);
    out.writeUInt32BE(length >>> 0, 6);
    return 10;
}
/**
 * Masking keys come from a pool filled by the CSPRNG (§10.3: keys must be
 * unpredictable), refilled as it runs out, so a frame costs no system call.
 */
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
/**
 * Encodes one frame into a single new buffer (header and payload together,
 * so it leaves in one write). A string payload is written as UTF-8 straight
 * into the frame, with no intermediate buffer.
 */
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
/** A text frame (or a binary one for a Uint8Array payload). */
export function encodeMessage(data, options = {}) {
    return encodeFrame(typeof data === 'string' ? Opcode.TEXT : Opcode.BINARY, data, options);
}
/**
 * A Close frame (§5.5.1). With no code the body is empty; otherwise a 2-byte
 * code and a UTF-8 reason, truncated so the frame stays within the 125-byte
 * limit of control frames (§5.5) without splitting a code point.
 */
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
/** Cuts `bytes` to at most `limit` bytes at a code point boundary. */
function truncateUtf8(bytes, limit) {
    let end = limit;
    while (end > 0 && (bytes[end] & 0xc0) === 0x80)
        end--;
    return bytes.subarray(0, end);
}
