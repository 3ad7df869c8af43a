export declare const Opcode: {
    readonly CONTINUATION: 0;
    readonly TEXT: 1;
    readonly BINARY: 2;
    readonly CLOSE: 8;
    readonly PING: 9;
    readonly PONG: 10;
};
export type Opcode = (typeof Opcode)[keyof typeof Opcode];
export interface EncodeOptions {
    /** Client frames must be masked (§5.1); server frames must not be. */
    mask?: boolean;
    /** Clear for all but the last frame of a fragmented message (§5.4). */
    fin?: boolean;
    /** Sets RSV1: the payload is a compressed message (RFC 7692 §6; first frame only). */
    compressed?: boolean;
}
/**
 * Encodes one frame into a single new buffer (header and payload together,
 * so it leaves in one write). A string payload is written as UTF-8 straight
 * into the frame, with no intermediate buffer.
 */
export declare function encodeFrame(opcode: number, payload: string | Uint8Array, options?: EncodeOptions): Buffer;
/** A text frame (or a binary one for a Uint8Array payload). */
export declare function encodeMessage(data: string | Uint8Array, options?: EncodeOptions): Buffer;
/**
 * A Close frame (§5.5.1). With no code the body is empty; otherwise a 2-byte
 * code and a UTF-8 reason, truncated so the frame stays within the 125-byte
 * limit of control frames (§5.5) without splitting a code point.
 */
export declare function encodeClose(code?: number, reason?: string, options?: EncodeOptions): Buffer;
