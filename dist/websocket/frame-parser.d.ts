import { ErrorCode } from './errors.ts';
import type { NegotiatedDeflate } from './permessage-deflate.ts';
export interface DecoderHandler {
    /** A complete data message: a string for text, a Buffer for binary. */
    onMessage(data: string | Buffer, isBinary: boolean): void;
    onPing(payload: Buffer): void;
    onPong(payload: Buffer): void;
    /** The peer's Close frame; `code` is 1005 when the frame had no body (§7.1.5). */
    onClose(code: number, reason: string): void;
    /** The peer broke the protocol: fail the connection with this close code (§7.1.7). */
    onFault(code: number, reason: string, errorCode: ErrorCode): void;
}
export interface DecoderOptions {
    /** A server expects masked frames, a client unmasked ones (§5.1). */
    role: 'server' | 'client';
    /** Largest message (all fragments together) in bytes; beyond it → 1009. */
    maxMessageSize: number;
    /** Most frames in one fragmented message; beyond it → 1009. */
    maxFragments: number;
    /** permessage-deflate as negotiated, if it was (RSV1 then marks compressed messages). */
    deflate?: NegotiatedDeflate | undefined;
}
export declare const DEFAULT_MAX_MESSAGE_SIZE: number;
export declare const DEFAULT_MAX_FRAGMENTS = 100000;
export declare class FrameParser {
    private readonly handler;
    private readonly expectMask;
    private readonly maxMessageSize;
    private readonly maxFragments;
    private readonly deflate;
    /** Made on the first data frame the fast path does not take (memory per idle connection). */
    private assembler;
    private state;
    private scratch;
    /** The mask bytes of `scratch`, made once instead of per payload piece. */
    private maskView;
    private headerHave;
    private headerNeed;
    private fin;
    private rsv1;
    private opcode;
    private remaining;
    private maskOffset;
    /** Pieces of the control frame being read (made when one spans chunks; memory per idle connection). */
    private controlParts;
    constructor(handler: DecoderHandler, options: DecoderOptions);
    /** True once a Close frame or a fault ended the stream: later bytes are ignored. */
    get stopped(): boolean;
    /**
     * Feeds bytes from the peer. Takes ownership of `chunk`: payloads are
     * unmasked in place and delivered binary messages may be views of it.
     */
    push(chunk: Buffer): void;
    /**
     * The fast path for the common case: a whole, unfragmented, uncompressed,
     * valid-looking text or binary frame already in `chunk`. Decodes it with
     * no copy and no per-frame state changes and returns the position after
     * it, or -1 to let the general path (which also reports every fault) take
     * the frame.
     */
    private wholeFrame;
    /** Stops decoding; later input is ignored (used after we fail or close). */
    stop(): void;
    private fault;
    private messages;
    private readHeader;
    /** FIN, RSV and opcode (§5.2). */
    private checkFirstByte;
    /** MASK and the 7-bit length (§5.2). */
    private checkSecondByte;
    /** The extended length, once its bytes are in (§5.2). */
    private checkLength;
    /** The message-size limit, checked before any payload byte is buffered. */
    private checkSize;
    private reject;
    private startPayload;
    private readPayload;
    private endFrame;
    private endControlFrame;
}
/** The name the parser had before the receiving side was split in two stages. */
export { FrameParser as FrameDecoder };
