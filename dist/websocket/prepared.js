/**
 * A message prepared once for many recipients (broadcast): the plain frame
 * is encoded at most once, and the compressed frame is deflated at most once
 * per compressor setting (in practice once), lazily, the first time a
 * connection that negotiated permessage-deflate needs it. Server frames
 * only: they are unmasked, so a client cannot send them (§5.3).
 */
import { deflatePayload } from "./deflate.js";
import { Opcode, encodeFrame, encodeMessage } from "./encoder.js";
export class PreparedMessage {
    data;
    isBinary;
    /** The payload's size in bytes, uncompressed. */
    byteLength;
    deflate;
    plainFrame;
    /** Compressed frames by compressor setting (window bits, level, memLevel). */
    compressedFrames;
    constructor(data, options = {}) {
        this.data = data;
        this.isBinary = typeof data !== 'string';
        this.byteLength = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
        this.deflate = options.deflate ?? 'auto';
    }
    /** The uncompressed frame. */
    get plain() {
        return (this.plainFrame ??= encodeMessage(this.data));
    }
    /** Whether a connection with this agreement (undefined: none) gets the compressed frame. */
    wantsCompression(deflate) {
        if (deflate === undefined || this.deflate === false)
            return false;
        return this.deflate === true || this.byteLength >= deflate.threshold;
    }
    /** The frame to write to a connection with this agreement. */
    frameFor(deflate) {
        return this.wantsCompression(deflate) ? this.compressed(deflate) : this.plain;
    }
    /** The compressed frame (RSV1 set) for this compressor setting, deflated on first use. */
    compressed(deflate) {
        const key = `${deflate.compressWindowBits}:${deflate.level}:${deflate.memLevel}`;
        const frames = (this.compressedFrames ??= new Map());
        let frame = frames.get(key);
        if (frame === undefined) {
            const opcode = this.isBinary ? Opcode.BINARY : Opcode.TEXT;
            frame = encodeFrame(opcode, deflatePayload(this.data, deflate), { compressed: true });
            frames.set(key, frame);
        }
        return frame;
    }
}
/** Prepares `data` (text for a string, binary for bytes) for sending to many connections. */
export function prepareMessage(data, options = {}) {
    return new PreparedMessage(data, options);
}
