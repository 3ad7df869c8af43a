import { inflatePayload, nextWindow } from "./deflate.js";
import { Opcode } from "./encoder.js";
import { ErrorCode } from "./errors.js";
import { MessageInflater } from "./inflater.js";
import { Utf8Validator, isValidUtf8 } from "./utf8.js";
const INFLATE_FAULTS = {
    'too-big': ErrorCode.INFLATED_TOO_BIG,
    invalid: ErrorCode.INFLATE_FAILED,
    refused: ErrorCode.INVALID_UTF8,
};
export class MessageAssembler {
    opcode = 0;
    maxMessageSize;
    maxFragments;
    deflate;
    deliver;
    compressed = false;
    parts = [];
    size = 0;
    fragments = 0;
    utf8;
    window;
    inflater;
    takeInflated = (piece) => {
        this.parts.push(piece);
        return this.opcode !== Opcode.TEXT || this.utf8.push(piece);
    };
    constructor(deliver, options) {
        this.deliver = deliver;
        this.maxMessageSize = options.maxMessageSize;
        this.maxFragments = options.maxFragments;
        this.deflate = options.deflate;
    }
    get compression() {
        return this.deflate !== undefined;
    }
    checkStart(opcode, rsv1) {
        if (opcode === Opcode.CONTINUATION) {
            if (this.opcode === 0)
                return ErrorCode.UNEXPECTED_CONTINUATION;
            if (rsv1)
                return ErrorCode.UNEXPECTED_RSV1;
            return undefined;
        }
        if (this.opcode !== 0)
            return ErrorCode.EXPECTED_CONTINUATION;
        return undefined;
    }
    checkLength(length) {
        return this.size + length > this.maxMessageSize ? ErrorCode.MESSAGE_TOO_BIG : undefined;
    }
    beginFrame(opcode, rsv1, length) {
        if (opcode !== Opcode.CONTINUATION) {
            this.opcode = opcode;
            this.compressed = rsv1;
            this.fragments = 0;
            if (opcode === Opcode.TEXT)
                (this.utf8 ??= new Utf8Validator()).reset();
            if (rsv1) {
                const window = this.deflate.peerContextTakeover ? this.window : undefined;
                this.inflater = MessageInflater.open(this.maxMessageSize, window);
            }
        }
        if (++this.fragments > this.maxFragments)
            return ErrorCode.TOO_MANY_FRAGMENTS;
        this.size += length;
        return undefined;
    }
    payload(piece) {
        if (this.compressed) {
            if (this.inflater === undefined) {
                this.parts.push(piece);
                return undefined;
            }
            const status = this.inflater.write(piece, this.takeInflated);
            return status === 'ok' ? undefined : INFLATE_FAULTS[status];
        }
        if (this.opcode === Opcode.TEXT && !this.utf8.push(piece))
            return ErrorCode.INVALID_UTF8;
        this.parts.push(piece);
        return undefined;
    }
    endFrame(fin) {
        if (!fin)
            return undefined;
        const isBinary = this.opcode === Opcode.BINARY;
        const inflater = this.inflater;
        if (inflater !== undefined) {
            const status = inflater.end(this.takeInflated);
            if (status !== 'ok')
                return INFLATE_FAULTS[status];
        }
        const parts = this.parts;
        const size = inflater !== undefined ? inflater.produced : this.size;
        const compressed = this.compressed;
        this.reset();
        if (compressed && inflater === undefined)
            return this.inflate(parts, size, isBinary);
        if (!isBinary && !this.utf8.complete)
            return ErrorCode.INVALID_UTF8;
        const data = parts.length === 1 ? parts[0] : Buffer.concat(parts, size);
        if (compressed && this.deflate.peerContextTakeover) {
            this.window = nextWindow(this.window, data, this.deflate.peerWindowBits);
        }
        this.deliver(isBinary ? data : data.toString('utf8'), isBinary);
        return undefined;
    }
    reset() {
        this.parts = [];
        this.opcode = 0;
        this.size = 0;
        this.compressed = false;
        if (this.inflater !== undefined) {
            this.inflater.close();
            this.inflater = undefined;
        }
    }
    inflate(parts, size, isBinary) {
        const deflate = this.deflate;
        const window = deflate.peerContextTakeover ? this.window : undefined;
        const result = inflatePayload(parts, size, this.maxMessageSize, window);
        if (result === 'too-big')
            return ErrorCode.INFLATED_TOO_BIG;
        if (result === 'invalid')
            return ErrorCode.INFLATE_FAILED;
        if (!isBinary && !isValidUtf8(result))
            return ErrorCode.INVALID_UTF8;
        if (deflate.peerContextTakeover)
            this.window = nextWindow(this.window, result, deflate.peerWindowBits);
        this.deliver(isBinary ? result : result.toString('utf8'), isBinary);
        return undefined;
    }
}
