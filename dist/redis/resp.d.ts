/**
 * RESP2, the Redis serialization protocol, without I/O: bytes in, replies out
 * (RespParser), and commands to bytes (encodeCommand). Section names in the
 * comments refer to the "Redis serialization protocol specification" at
 * redis.io (docs/reference/protocol-spec). We never send HELLO 3, so Redis
 * only ever answers in RESP2 and the RESP3 types are protocol errors here.
 */
import { RedisReplyError } from './errors.ts';
/**
 * One decoded reply. Bulk strings are strings (UTF-8) or Buffers (option
 * `bulkAsBuffer`); a null bulk string or null array is null; an integer is a
 * number, or a bigint beyond Number.MAX_SAFE_INTEGER; an error reply is a
 * RedisReplyError value (also inside arrays, as in an EXEC result).
 */
export type RedisReply = string | Buffer | number | bigint | null | RedisReplyError | RedisReply[];
/** What a command is made of; numbers are sent as their decimal text. */
export type RedisArg = string | Buffer | number;
export interface RespParserOptions {
    /** Bulk strings as Buffers instead of UTF-8 strings. Default false. */
    bulkAsBuffer?: boolean;
    /** Longest bulk string. Default 512 MiB, Redis's own proto-max-bulk-len default. */
    maxBulkLength?: number;
    /** Most elements in one array. Default 2^20. */
    maxArrayLength?: number;
    /** Deepest nesting of arrays. Default 32 (stream replies nest 4 deep). */
    maxDepth?: number;
    /** Longest header line or simple string / error. Default 64 KiB. */
    maxLineLength?: number;
}
export declare const DEFAULT_MAX_BULK_LENGTH: number;
export declare const DEFAULT_MAX_ARRAY_LENGTH: number;
export declare const DEFAULT_MAX_DEPTH = 32;
export declare const DEFAULT_MAX_LINE_LENGTH: number;
export declare class RespParser {
    private readonly onReply;
    private readonly bulkAsBuffer;
    private readonly maxBulkLength;
    private readonly maxArrayLength;
    private readonly maxDepth;
    private readonly maxLineLength;
    /** Unread input: the first chunk is read from `position`; the rest are whole. */
    private chunks;
    private position;
    private available;
    /** The length of the bulk string whose body we are waiting for, or -1. */
    private bulkLength;
    private readonly openArrays;
    private failure;
    private stopped;
    constructor(onReply: (reply: RedisReply) => void, options?: RespParserOptions);
    /**
     * Feeds bytes; calls onReply for each complete reply, in order. Throws a
     * RespProtocolError at the first byte that proves the stream invalid; the
     * parser then stays failed (the connection must be dropped: after a framing
     * error nothing that follows can be trusted).
     */
    push(chunk: Buffer): void;
    /** Drops buffered input and delivers nothing more (e.g. from inside onReply). */
    stop(): void;
    /** True between replies: no partial reply is buffered. */
    get idle(): boolean;
    /** Reads one element; false when more bytes are needed. */
    private step;
    /** A bulk body is exactly `length` bytes followed by CRLF (it may itself contain CRLF). */
    private readBulkBody;
    /** Completes arrays bottom-up: a finished array is itself an element of its parent. */
    private emit;
    /** Index of the CR that ends the line starting at `start`, or -1 if it has not arrived. */
    private findLineEnd;
    /** The unread bytes as one Buffer; joins chunks only when a reply spans them. */
    private contiguous;
    /** Consumes bytes of the (contiguous) first chunk. */
    private advance;
}
/**
 * A command is an array of bulk strings ("Sending commands to a Redis
 * server"), so any byte may appear in an argument, CRLF included.
 */
export declare function encodeCommand(args: readonly RedisArg[]): Buffer;
