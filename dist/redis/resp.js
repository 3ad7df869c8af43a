import { RedisReplyError, RespProtocolError } from "./errors.js";
export const DEFAULT_MAX_BULK_LENGTH = 512 * 1024 * 1024;
export const DEFAULT_MAX_ARRAY_LENGTH = 1 << 20;
export const DEFAULT_MAX_DEPTH = 32;
export const DEFAULT_MAX_LINE_LENGTH = 64 * 1024;
const CR = 0x0d;
const LF = 0x0a;
export class RespParser {
    onReply;
    bulkAsBuffer;
    maxBulkLength;
    maxArrayLength;
    maxDepth;
    maxLineLength;
    chunks = [];
    position = 0;
    available = 0;
    bulkLength = -1;
    openArrays = [];
    failure;
    stopped = false;
    constructor(onReply, options = {}) {
        this.onReply = onReply;
        this.bulkAsBuffer = options.bulkAsBuffer ?? false;
        this.maxBulkLength = options.maxBulkLength ?? DEFAULT_MAX_BULK_LENGTH;
        this.maxArrayLength = options.maxArrayLength ?? DEFAULT_MAX_ARRAY_LENGTH;
        this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
        this.maxLineLength = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
    }
    push(chunk) {
        if (this.failure)
            throw this.failure;
        if (this.stopped || chunk.length === 0)
            return;
        this.chunks.push(chunk);
        this.available += chunk.length;
        try {
            while (!this.stopped && this.step())
                ;
        }
        catch (error) {
            if (error instanceof RespProtocolError)
                this.failure = error;
            throw error;
        }
    }
    stop() {
        this.stopped = true;
        this.chunks = [];
        this.available = 0;
    }
    get idle() {
        return this.available === 0 && this.bulkLength < 0 && this.openArrays.length === 0;
    }
    step() {
        if (this.bulkLength >= 0)
            return this.readBulkBody();
        if (this.available === 0)
            return false;
        const data = this.contiguous();
        const start = this.position;
        const lineEnd = this.findLineEnd(data, start);
        if (lineEnd < 0)
            return false;
        this.advance(lineEnd + 2 - start);
        switch (data[start]) {
            case 0x2b:
                this.emit(data.toString('utf8', start + 1, lineEnd));
                break;
            case 0x2d:
                this.emit(new RedisReplyError(data.toString('utf8', start + 1, lineEnd)));
                break;
            case 0x3a:
                this.emit(parseInteger(data, start + 1, lineEnd));
                break;
            case 0x24: {
                const length = parseLength(data, start + 1, lineEnd, 'bulk string');
                if (length > this.maxBulkLength)
                    throw new RespProtocolError(`bulk string of ${length} bytes exceeds the limit of ${this.maxBulkLength}`);
                if (length < 0)
                    this.emit(null);
                else
                    this.bulkLength = length;
                break;
            }
            case 0x2a: {
                const length = parseLength(data, start + 1, lineEnd, 'array');
                if (length > this.maxArrayLength)
                    throw new RespProtocolError(`array of ${length} elements exceeds the limit of ${this.maxArrayLength}`);
                if (length < 0)
                    this.emit(null);
                else if (length === 0)
                    this.emit([]);
                else if (this.openArrays.length >= this.maxDepth)
                    throw new RespProtocolError(`arrays nested deeper than ${this.maxDepth}`);
                else
                    this.openArrays.push({ items: [], length });
                break;
            }
            default:
                throw new RespProtocolError(`unexpected reply type byte 0x${data[start].toString(16).padStart(2, '0')}`);
        }
        return true;
    }
    readBulkBody() {
        const length = this.bulkLength;
        if (this.available < length + 2)
            return false;
        const data = this.contiguous();
        const start = this.position;
        const end = start + length;
        if (data[end] !== CR || data[end + 1] !== LF)
            throw new RespProtocolError('bulk string not terminated by CRLF');
        const value = this.bulkAsBuffer ? Buffer.from(data.subarray(start, end)) : data.toString('utf8', start, end);
        this.bulkLength = -1;
        this.advance(length + 2);
        this.emit(value);
        return true;
    }
    emit(reply) {
        let value = reply;
        for (;;) {
            const top = this.openArrays[this.openArrays.length - 1];
            if (top === undefined) {
                this.onReply(value);
                return;
            }
            top.items.push(value);
            if (top.items.length < top.length)
                return;
            this.openArrays.pop();
            value = top.items;
        }
    }
    findLineEnd(data, start) {
        const limit = Math.min(data.length, start + this.maxLineLength + 2);
        const cr = data.indexOf(CR, start);
        if (cr < 0 || cr >= limit) {
            if (data.length - start > this.maxLineLength + 1)
                throw new RespProtocolError(`line longer than ${this.maxLineLength} bytes`);
            return -1;
        }
        if (cr + 1 === data.length)
            return -1;
        if (data[cr + 1] !== LF)
            throw new RespProtocolError('CR not followed by LF');
        if (cr === start)
            throw new RespProtocolError('empty line where a reply was expected');
        return cr;
    }
    contiguous() {
        if (this.chunks.length > 1) {
            const first = this.chunks[0].subarray(this.position);
            this.chunks = [Buffer.concat([first, ...this.chunks.slice(1)], this.available)];
            this.position = 0;
        }
        return this.chunks[0];
    }
    advance(count) {
        this.position += count;
        this.available -= count;
        if (this.available === 0) {
            this.chunks = [];
            this.position = 0;
        }
    }
}
function parseDecimal(data, start, end, what) {
    const negative = data[start] === 0x2d;
    const first = negative ? start + 1 : start;
    if (first === end || end - first > 20)
        throw new RespProtocolError(`invalid ${what}`);
    let value = 0;
    for (let i = first; i < end; i++) {
        const digit = data[i] - 0x30;
        if (digit < 0 || digit > 9)
            throw new RespProtocolError(`invalid ${what}`);
        value = value * 10 + digit;
    }
    if (value <= Number.MAX_SAFE_INTEGER)
        return negative ? -value : value;
    const exact = BigInt(data.toString('latin1', start, end));
    if (exact > 0x7fffffffffffffffn || exact < -0x8000000000000000n)
        throw new RespProtocolError(`invalid ${what}`);
    return exact;
}
function parseInteger(data, start, end) {
    return parseDecimal(data, start, end, 'integer reply');
}
function parseLength(data, start, end, what) {
    const length = parseDecimal(data, start, end, `${what} length`);
    if (typeof length === 'bigint' || length < -1)
        throw new RespProtocolError(`invalid ${what} length`);
    return length;
}
export function encodeCommand(args) {
    if (args.length === 0)
        throw new TypeError('a Redis command needs at least a name');
    let text = `*${args.length}\r\n`;
    let pieces;
    for (const arg of args) {
        if (typeof arg === 'string') {
            text += `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`;
        }
        else if (typeof arg === 'number') {
            if (!Number.isFinite(arg))
                throw new TypeError(`cannot send ${arg} to Redis`);
            const digits = String(arg);
            text += `$${digits.length}\r\n${digits}\r\n`;
        }
        else if (Buffer.isBuffer(arg)) {
            pieces ??= [];
            pieces.push(Buffer.from(`${text}$${arg.length}\r\n`), arg);
            text = '\r\n';
        }
        else {
            throw new TypeError(`a Redis argument must be a string, Buffer or number, not ${typeof arg}`);
        }
    }
    if (pieces === undefined)
        return Buffer.from(text);
    pieces.push(Buffer.from(text));
    return Buffer.concat(pieces);
}
