import { ErrorCode } from './errors.ts';
import type { NegotiatedDeflate } from './permessage-deflate.ts';
export interface AssemblerOptions {
    /** Largest message (all fragments together, and again after inflation) in bytes. */
    maxMessageSize: number;
    /** Most frames in one fragmented message. */
    maxFragments: number;
    /** Set when permessage-deflate was negotiated: RSV1 then marks compressed messages. */
    deflate?: NegotiatedDeflate | undefined;
}
export type MessageSink = (data: string | Buffer, isBinary: boolean) => void;
export declare class MessageAssembler {
    /** The opcode of the message in progress, 0 between messages. */
    opcode: number;
    private readonly maxMessageSize;
    private readonly maxFragments;
    private readonly deflate;
    private readonly deliver;
    private compressed;
    private parts;
    private size;
    private fragments;
    private utf8;
    /** The peer's retained LZ77 window (only when it takes context over). */
    private window;
    /**
     * The compressed message in progress, inflating as it arrives; undefined
     * between messages, and when Node's zlib lacks the streaming handle (then
     * compressed `parts` are kept and inflated in one call at the end).
     */
    private inflater;
    /** Takes inflated output: kept in `parts`, and checked as UTF-8 if it is text. */
    private readonly takeInflated;
    constructor(deliver: MessageSink, options: AssemblerOptions);
    /** Whether RSV1 may mark a message compressed on this connection. */
    get compression(): boolean;
    /** The first header byte of a data frame: its place in the message sequence (§5.4) and RSV1 (RFC 7692 §6.1). */
    checkStart(opcode: number, rsv1: boolean): ErrorCode | undefined;
    /** The frame's length, before any of its payload is buffered. */
    checkLength(length: number): ErrorCode | undefined;
    /** The frame's header is complete; its payload follows. */
    beginFrame(opcode: number, rsv1: boolean, length: number): ErrorCode | undefined;
    /** A piece of the current frame's (unmasked) payload. Takes ownership of it. */
    payload(piece: Buffer): ErrorCode | undefined;
    /** The current frame ended; with `fin` the message is complete and delivered. */
    endFrame(fin: boolean): ErrorCode | undefined;
    /** Forgets the message in progress (after a fault or a Close), freeing its inflater now. */
    reset(): void;
    /** The fallback without a streaming zlib handle: the whole message in one bounded call. */
    private inflate;
}
