/**
 * The second stage of receiving: data frames in, messages out. Owns what
 * spans frames: fragmentation order (§5.4), the message size and fragment
 * limits, UTF-8 validation of text (§8.1) and inflation of compressed
 * messages (RFC 7692 §6.2). The frame parser calls it at each step of a data
 * frame; each step returns an ErrorCode on a fault, or undefined.
 *
 * Compressed payload is inflated piece by piece as it arrives (inflater.ts),
 * and inflated text is validated as it comes out, so compressed text fails
 * as early as plain text does.
 */
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
    /** The opcode of the message in progress, 0 between messages. */
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
    /** The peer's retained LZ77 window (only when it takes context over). */
    window;
    /**
     * The compressed message in progress, inflating as it arrives; undefined
     * between messages, and when Node's zlib lacks the streaming handle (then
     * compressed `parts` are kept and inflated in one call at the end).
     */
    inflater;
    /** Takes inflated output: kept in `parts`, and checked as UTF-8 if it is text. */
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
    /** Whether RSV1 may mark a message compressed on this connection. */
    get compression() {
        return this.deflate !== undefined;
    }
    /** The first header byte of a data frame: its place in the message sequence (§5.4) and RSV1 (RFC 7692 §6.1). */
    checkStart(opcode, rsv1) {
        if (opcode === Opcode.CONTINUATION) {
            if (this.opcode === 0)
                return ErrorCode.UNEXPECTED_CONTINUATION;
            // RSV1 belongs on the first frame of a message only.
            if (rsv1)
                return ErrorCode.UNEXPECTED_RSV1;
            return undefined;
        }
        if (this.opcode !== 0)
            return ErrorCode.EXPECTED_CONTINUATION;
        return undefined;
    }
    /** The frame's length, before any of its payload is buffered. */
    checkLength(length) {
        return this.size + length > this.maxMessageSize ? ErrorCode.MESSAGE_TOO_BIG : undefined;
    }
    /** The frame's header is complete; its payload follows. */
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
    /** A piece of the current frame's (unmasked) payload. Takes ownership of it. */
    payload(piece) {
        if (this.compressed) {
            if (this.inflater === undefined) {
                this.parts.push(piece); // no streaming zlib here: inflated at the end
                return undefined;
            }
            const status = this.inflater.write(piece, this.takeInflated);
            return status === 'ok' ? undefined : INFLATE_FAULTS[status];
        }
        // Plain text is validated piece by piece, so bad bytes fail before the frame ends.
        if (this.opcode === Opcode.TEXT && !this.utf8.push(piece))
            return ErrorCode.INVALID_UTF8;
        this.parts.push(piece);
        return undefined;
    }
    /** The current frame ended; with `fin` the message is complete and delivered. */
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
    /** Forgets the message in progress (after a fault or a Close), freeing its inflater now. */
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
    /** The fallback without a streaming zlib handle: the whole message in one bounded call. */
    inflate(parts, size, isBinary) {
        const deflate = this.deflate;
        const window = deflate.peerContextTakeover ? this.window : undefined;
        const result = inflatePayload(parts, size, this.maxMessageSize, window);
        // Decompression bomb: zlib stopped at the limit, nothing more was allocated.
        if (result === 'too-big')
            return ErrorCode.INFLATED_TOO_BIG;
        if (result === 'invalid')
            return ErrorCode.INFLATE_FAILED;
        // The whole message was inflated in one bounded step; its text is
        // checked right away, before anything else is done with it.
        if (!isBinary && !isValidUtf8(result))
            return ErrorCode.INVALID_UTF8;
        if (deflate.peerContextTakeover)
            this.window = nextWindow(this.window, result, deflate.peerWindowBits);
        this.deliver(isBinary ? result : result.toString('utf8'), isBinary);
        return undefined;
    }
}
