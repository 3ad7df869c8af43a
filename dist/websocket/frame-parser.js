import { CloseCode, isValidCloseCode } from "./close-codes.js";
import { Opcode } from "./encoder.js";
import { ErrorCode, closeCodeFor } from "./errors.js";
import { applyMask } from "./mask.js";
import { MessageAssembler } from "./message-assembler.js";
import { isValidUtf8 } from "./utf8.js";
const REASONS = {
    WS_ERR_RESERVED_BITS: 'reserved bits set',
    WS_ERR_UNEXPECTED_RSV_1: 'RSV1 set without a compressed message start',
    WS_ERR_INVALID_OPCODE: 'reserved opcode',
    WS_ERR_FRAGMENTED_CONTROL_FRAME: 'fragmented control frame',
    WS_ERR_CONTROL_FRAME_TOO_LONG: 'control frame too long',
    WS_ERR_UNEXPECTED_CONTINUATION: 'continuation without a message',
    WS_ERR_EXPECTED_CONTINUATION: 'expected a continuation frame',
    WS_ERR_EXPECTED_MASK: 'unmasked frame from client',
    WS_ERR_UNEXPECTED_MASK: 'masked frame from server',
    WS_ERR_INVALID_LENGTH: 'length has top bit set',
    WS_ERR_MESSAGE_TOO_BIG: 'message too big',
    WS_ERR_TOO_MANY_FRAGMENTS: 'too many fragments',
    WS_ERR_INFLATED_TOO_BIG: 'message too big once inflated',
    WS_ERR_INFLATE_FAILED: 'invalid compressed data',
    WS_ERR_INVALID_UTF8: 'invalid UTF-8',
    WS_ERR_INVALID_CLOSE_PAYLOAD: 'close payload of 1 byte',
    WS_ERR_INVALID_CLOSE_CODE: 'invalid close code',
    WS_ERR_INVALID_CLOSE_REASON: 'close reason is not UTF-8',
};
export const DEFAULT_MAX_MESSAGE_SIZE = 16 * 1024 * 1024;
export const DEFAULT_MAX_FRAGMENTS = 100_000;
const READ_HEADER = 0;
const READ_PAYLOAD = 1;
const STOPPED = 2;
const ASCII_SCAN_MAX = 256;
function decodeText(bytes, start, end) {
    if (end - start <= ASCII_SCAN_MAX) {
        let i = start;
        while (i < end && bytes[i] < 0x80)
            i++;
        if (i === end)
            return bytes.toString('latin1', start, end);
    }
    if (!isValidUtf8(bytes.subarray(start, end)))
        return undefined;
    return bytes.toString('utf8', start, end);
}
const FAST_PATH_MASK = new Uint8Array(4);
const MASK_AT = 14;
export class FrameParser {
    handler;
    expectMask;
    maxMessageSize;
    maxFragments;
    deflate;
    assembler;
    state = READ_HEADER;
    scratch;
    maskView;
    headerHave = 0;
    headerNeed = 2;
    fin = false;
    rsv1 = false;
    opcode = 0;
    remaining = 0;
    maskOffset = 0;
    controlParts;
    constructor(handler, options) {
        this.handler = handler;
        this.expectMask = options.role === 'server';
        this.maxMessageSize = options.maxMessageSize;
        this.maxFragments = options.maxFragments;
        this.deflate = options.deflate;
    }
    get stopped() {
        return this.state === STOPPED;
    }
    push(chunk) {
        let pos = 0;
        const end = chunk.length;
        while (pos < end && this.state !== STOPPED) {
            if (this.state === READ_HEADER) {
                if (this.headerHave === 0) {
                    const next = this.wholeFrame(chunk, pos, end);
                    if (next !== -1) {
                        pos = next;
                        continue;
                    }
                }
                pos = this.readHeader(chunk, pos, end);
            }
            else {
                pos = this.readPayload(chunk, pos, end);
            }
        }
    }
    wholeFrame(chunk, pos, end) {
        if (end - pos < 2 || (this.assembler !== undefined && this.assembler.opcode !== 0))
            return -1;
        const b0 = chunk[pos];
        const b1 = chunk[pos + 1];
        if (b0 !== 0x81 && b0 !== 0x82)
            return -1;
        if ((b1 & 0x80) !== (this.expectMask ? 0x80 : 0))
            return -1;
        let length = b1 & 0x7f;
        let at = pos + 2;
        if (length === 127)
            return -1;
        if (length === 126) {
            if (end - pos < 4)
                return -1;
            length = (chunk[pos + 2] << 8) | chunk[pos + 3];
            at = pos + 4;
        }
        if (length > this.maxMessageSize)
            return -1;
        const payload = this.expectMask ? at + 4 : at;
        const frameEnd = payload + length;
        if (frameEnd > end)
            return -1;
        if (this.expectMask) {
            const mask = FAST_PATH_MASK;
            mask[0] = chunk[at];
            mask[1] = chunk[at + 1];
            mask[2] = chunk[at + 2];
            mask[3] = chunk[at + 3];
            applyMask(chunk, mask, payload, frameEnd, 0);
        }
        if (b0 === 0x82) {
            this.handler.onMessage(chunk.subarray(payload, frameEnd), true);
            return frameEnd;
        }
        const text = decodeText(chunk, payload, frameEnd);
        if (text === undefined) {
            this.fault(ErrorCode.INVALID_UTF8);
            return end;
        }
        this.handler.onMessage(text, false);
        return frameEnd;
    }
    stop() {
        this.state = STOPPED;
        this.assembler?.reset();
        this.controlParts = undefined;
    }
    fault(errorCode, detail) {
        this.stop();
        this.handler.onFault(closeCodeFor[errorCode], detail ?? REASONS[errorCode], errorCode);
    }
    messages() {
        const handler = this.handler;
        return (this.assembler ??= new MessageAssembler((data, isBinary) => handler.onMessage(data, isBinary), {
            maxMessageSize: this.maxMessageSize,
            maxFragments: this.maxFragments,
            deflate: this.deflate,
        }));
    }
    readHeader(chunk, pos, end) {
        while (this.headerHave < this.headerNeed) {
            if (pos >= end)
                return pos;
            const byte = chunk[pos++];
            (this.scratch ??= new Uint8Array(18))[this.headerHave++] = byte;
            if (this.headerHave === 1 && !this.checkFirstByte(byte))
                return end;
            if (this.headerHave === 2 && !this.checkSecondByte(byte))
                return end;
            if (this.headerHave === this.headerNeed && this.headerNeed > 2 && !this.checkLength()) {
                return end;
            }
        }
        this.startPayload();
        return pos;
    }
    checkFirstByte(byte) {
        const opcode = byte & 0x0f;
        this.fin = (byte & 0x80) !== 0;
        this.rsv1 = (byte & 0x40) !== 0;
        this.opcode = opcode;
        if ((byte & 0x30) !== 0)
            return this.reject(ErrorCode.RESERVED_BITS);
        if (this.rsv1 && (this.deflate === undefined || opcode >= Opcode.CLOSE))
            return this.reject(ErrorCode.UNEXPECTED_RSV1);
        if (opcode >= Opcode.CLOSE) {
            if (opcode > Opcode.PONG)
                return this.reject(ErrorCode.RESERVED_OPCODE);
            if (!this.fin)
                return this.reject(ErrorCode.FRAGMENTED_CONTROL);
            return true;
        }
        if (opcode > Opcode.BINARY)
            return this.reject(ErrorCode.RESERVED_OPCODE);
        const fault = this.messages().checkStart(opcode, this.rsv1);
        return fault === undefined ? true : this.reject(fault);
    }
    checkSecondByte(byte) {
        const masked = (byte & 0x80) !== 0;
        if (masked !== this.expectMask)
            return this.reject(masked ? ErrorCode.UNEXPECTED_MASK : ErrorCode.EXPECTED_MASK);
        const length7 = byte & 0x7f;
        const extended = length7 === 126 ? 2 : length7 === 127 ? 8 : 0;
        this.headerNeed = 2 + extended + (masked ? 4 : 0);
        if (extended === 0) {
            this.remaining = length7;
            return this.checkSize();
        }
        if (this.opcode >= Opcode.CLOSE)
            return this.reject(ErrorCode.CONTROL_TOO_LONG);
        return true;
    }
    checkLength() {
        const h = this.scratch;
        const length7 = h[1] & 0x7f;
        if (length7 === 126) {
            this.remaining = (h[2] << 8) | h[3];
        }
        else if (length7 === 127) {
            if (h[2] & 0x80)
                return this.reject(ErrorCode.LENGTH_TOP_BIT);
            const high = ((h[2] << 24) | (h[3] << 16) | (h[4] << 8) | h[5]) >>> 0;
            const low = ((h[6] << 24) | (h[7] << 16) | (h[8] << 8) | h[9]) >>> 0;
            this.remaining = high * 0x100000000 + low;
        }
        else {
            return true;
        }
        return this.checkSize();
    }
    checkSize() {
        if (this.opcode >= Opcode.CLOSE)
            return true;
        const fault = this.messages().checkLength(this.remaining);
        return fault === undefined ? true : this.reject(fault);
    }
    reject(errorCode) {
        this.fault(errorCode);
        return false;
    }
    startPayload() {
        const h = this.scratch;
        if (this.expectMask) {
            h.copyWithin(MASK_AT, this.headerNeed - 4, this.headerNeed);
            this.maskView ??= h.subarray(MASK_AT, MASK_AT + 4);
        }
        this.maskOffset = 0;
        this.headerHave = 0;
        this.headerNeed = 2;
        if (this.opcode < Opcode.CLOSE) {
            const fault = this.messages().beginFrame(this.opcode, this.rsv1, this.remaining);
            if (fault !== undefined)
                return this.fault(fault);
        }
        this.state = READ_PAYLOAD;
        if (this.remaining === 0)
            this.endFrame();
    }
    readPayload(chunk, pos, end) {
        const take = Math.min(this.remaining, end - pos);
        const piece = chunk.subarray(pos, pos + take);
        if (this.expectMask) {
            this.maskOffset = applyMask(piece, this.maskView, 0, take, this.maskOffset);
        }
        this.remaining -= take;
        if (this.opcode >= Opcode.CLOSE) {
            (this.controlParts ??= []).push(piece);
        }
        else {
            const fault = this.assembler.payload(piece);
            if (fault !== undefined) {
                this.fault(fault);
                return end;
            }
        }
        if (this.remaining === 0)
            this.endFrame();
        return pos + take;
    }
    endFrame() {
        this.state = READ_HEADER;
        if (this.opcode >= Opcode.CLOSE) {
            const parts = this.controlParts ?? [];
            this.controlParts = undefined;
            this.endControlFrame(parts.length === 1 ? parts[0] : Buffer.concat(parts));
            return;
        }
        const fault = this.assembler.endFrame(this.fin);
        if (fault !== undefined)
            this.fault(fault);
    }
    endControlFrame(payload) {
        if (this.opcode === Opcode.PING)
            return this.handler.onPing(payload);
        if (this.opcode === Opcode.PONG)
            return this.handler.onPong(payload);
        if (payload.length === 0) {
            this.stop();
            return this.handler.onClose(CloseCode.NO_STATUS, '');
        }
        if (payload.length === 1)
            return this.fault(ErrorCode.CLOSE_PAYLOAD_ONE_BYTE);
        const code = payload.readUInt16BE(0);
        if (!isValidCloseCode(code))
            return this.fault(ErrorCode.INVALID_CLOSE_CODE, `invalid close code ${code}`);
        const reason = payload.subarray(2);
        if (!isValidUtf8(reason))
            return this.fault(ErrorCode.INVALID_CLOSE_REASON);
        this.stop();
        this.handler.onClose(code, reason.toString('utf8'));
    }
}
export { FrameParser as FrameDecoder };
