export declare const ErrorCode: {
    /** RSV2 or RSV3 set: no negotiated extension defines them (RFC 6455 §5.2). */
    readonly RESERVED_BITS: "WS_ERR_RESERVED_BITS";
    /** RSV1 without permessage-deflate, or on a control or continuation frame (RFC 7692 §6.1). */
    readonly UNEXPECTED_RSV1: "WS_ERR_UNEXPECTED_RSV_1";
    readonly RESERVED_OPCODE: "WS_ERR_INVALID_OPCODE";
    /** Control frames must not be fragmented (RFC 6455 §5.5). */
    readonly FRAGMENTED_CONTROL: "WS_ERR_FRAGMENTED_CONTROL_FRAME";
    readonly CONTROL_TOO_LONG: "WS_ERR_CONTROL_FRAME_TOO_LONG";
    readonly UNEXPECTED_CONTINUATION: "WS_ERR_UNEXPECTED_CONTINUATION";
    readonly EXPECTED_CONTINUATION: "WS_ERR_EXPECTED_CONTINUATION";
    /** Clients mask, servers do not (RFC 6455 §5.1). */
    readonly EXPECTED_MASK: "WS_ERR_EXPECTED_MASK";
    readonly UNEXPECTED_MASK: "WS_ERR_UNEXPECTED_MASK";
    readonly LENGTH_TOP_BIT: "WS_ERR_INVALID_LENGTH";
    readonly MESSAGE_TOO_BIG: "WS_ERR_MESSAGE_TOO_BIG";
    readonly TOO_MANY_FRAGMENTS: "WS_ERR_TOO_MANY_FRAGMENTS";
    /** A compressed message whose inflated size passes the message size limit. */
    readonly INFLATED_TOO_BIG: "WS_ERR_INFLATED_TOO_BIG";
    /** Compressed data that is not a valid DEFLATE stream. */
    readonly INFLATE_FAILED: "WS_ERR_INFLATE_FAILED";
    readonly INVALID_UTF8: "WS_ERR_INVALID_UTF8";
    readonly CLOSE_PAYLOAD_ONE_BYTE: "WS_ERR_INVALID_CLOSE_PAYLOAD";
    readonly INVALID_CLOSE_CODE: "WS_ERR_INVALID_CLOSE_CODE";
    readonly INVALID_CLOSE_REASON: "WS_ERR_INVALID_CLOSE_REASON";
};
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
/** The close code each fault fails the connection with. */
export declare const closeCodeFor: Readonly<Record<ErrorCode, number>>;
/** What the connection's 'error' event carries for a peer's protocol fault. */
export declare class WebSocketError extends Error {
    readonly code: ErrorCode | string;
    /** The close code the connection was failed with. */
    readonly closeCode: number;
    constructor(message: string, code: ErrorCode | string, closeCode: number);
}
