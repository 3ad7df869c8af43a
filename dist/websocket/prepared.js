import { deflatePayload } from "./deflate.js";
import { Opcode, encodeFrame, encodeMessage } from "./encoder.js";
export class PreparedMessage {
    data;
    isBinary;
    byteLength;
    deflate;
    plainFrame;
    compressedFrames;
    constructor(data, options = {}) {
        this.data = data;
        this.isBinary = typeof data !== 'string';
        this.byteLength = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
        this.deflate = options.deflate ?? 'auto';
    }
    get plain() {
        return (this.plainFrame ??= encodeMessage(this.data));
    }
    wantsCompression(deflate) {
        if (deflate === undefined || this.deflate === false)
            return false;
        return this.deflate === true || this.byteLength >= deflate.threshold;
    }
    frameFor(deflate) {
        return this.wantsCompression(deflate) ? this.compressed(deflate) : this.plain;
    }
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
export function prepareMessage(data, options = {}) {
    return new PreparedMessage(data, options);
}
