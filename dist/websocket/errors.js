/**
 * Every way a peer can break the protocol, each with a stable string code
 * (for logs, metrics and tests; the wording of `reason` may change, the code
 * does not) and the close code the connection is failed with (RFC 6455 §7.4.1).
 */
import { CloseCode } from "./close-codes.js";
export const ErrorCode = {
    /** RSV2 or RSV3 set: no negotiated extension defines them (RFC 6455 §5.2). */
    RESERVED_BITS: 'WS_ERR_RESERVED_BITS',
    /** RSV1 without permessage-deflate, or on a control or continuation frame (RFC 7692 §6.1). */
    UNEXPECTED_RSV1: 'WS_ERR_UNEXPECTED_RSV_1',
    RESERVED_OPCODE: 'WS_ERR_INVALID_OPCODE',
    /** Control frames must not be fragmented (RFC 6455 §5.5). */
    FRAGMENTED_CONTROL: 'WS_ERR_FRAGMENTED_CONTROL_FRAME',
    CONTROL_TOO_LONG: 'WS_ERR_CONTROL_FRAME_TOO_LONG',
    UNEXPECTED_CONTINUATION: 'WS_ERR_UNEXPECTED_CONTINUATION',
    EXPECTED_CONTINUATION: 'WS_ERR_EXPECTED_CONTINUATION',
    /** Clients mask, servers do not (RFC 6455 §5.1). */
    EXPECTED_MASK: 'WS_ERR_EXPECTED_MASK',
    UNEXPECTED_MASK: 'WS_ERR_UNEXPECTED_MASK',
    LENGTH_TOP_BIT: 'WS_ERR_INVALID_LENGTH',
    MESSAGE_TOO_BIG: 'WS_ERR_MESSAGE_TOO_BIG',
    TOO_MANY_FRAGMENTS: 'WS_ERR_TOO_MANY_FRAGMENTS',
    /** A compressed message whose inflated size passes the message size limit. */
    INFLATED_TOO_BIG: 'WS_ERR_INFLATED_TOO_BIG',
    /** Compressed data that is not a valid DEFLATE stream. */
    INFLATE_FAILED: 'WS_ERR_INFLATE_FAILED',
    INVALID_UTF8: 'WS_ERR_INVALID_UTF8',
    CLOSE_PAYLOAD_ONE_BYTE: 'WS_ERR_INVALID_CLOSE_PAYLOAD',
    INVALID_CLOSE_CODE: 'WS_ERR_INVALID_CLOSE_CODE',
    INVALID_CLOSE_REASON: 'WS_ERR_INVALID_CLOSE_REASON',
};
/** The close code each fault fails the connection with. */
export const closeCodeFor = {
    WS_ERR_RESERVED_BITS: CloseCode.PROTOCOL_ERROR,
    WS_ERR_UNEXPECTED_RSV_1: CloseCode.PROTOCOL_ERROR,
    WS_ERR_INVALID_OPCODE: CloseCode.PROTOCOL_ERROR,
    WS_ERR_FRAGMENTED_CONTROL_FRAME: CloseCode.PROTOCOL_ERROR,
    WS_ERR_CONTROL_FRAME_TOO_LONG: CloseCode.PROTOCOL_ERROR,
    WS_ERR_UNEXPECTED_CONTINUATION: CloseCode.PROTOCOL_ERROR,
    WS_ERR_EXPECTED_CONTINUATION: CloseCode.PROTOCOL_ERROR,
    WS_ERR_EXPECTED_MASK: CloseCode.PROTOCOL_ERROR,
    WS_ERR_UNEXPECTED_MASK: CloseCode.PROTOCOL_ERROR,
    WS_ERR_INVALID_LENGTH: CloseCode.PROTOCOL_ERROR,
    WS_ERR_MESSAGE_TOO_BIG: CloseCode.MESSAGE_TOO_BIG,
    WS_ERR_TOO_MANY_FRAGMENTS: CloseCode.MESSAGE_TOO_BIG,
    WS_ERR_INFLATED_TOO_BIG: CloseCode.MESSAGE_TOO_BIG,
    // RFC 7692 §8 leaves the code open. 1007 (RFC 6455 §7.4.1: "data within a
    // message that was not consistent with the type of the message"): the
    // frames were well formed, and RSV1 typed the message as DEFLATE data,
    // which its payload is not. `ws` uses 1007 too.
    WS_ERR_INFLATE_FAILED: CloseCode.INVALID_PAYLOAD,
    WS_ERR_INVALID_UTF8: CloseCode.INVALID_PAYLOAD,
    WS_ERR_INVALID_CLOSE_PAYLOAD: CloseCode.PROTOCOL_ERROR,
    WS_ERR_INVALID_CLOSE_CODE: CloseCode.PROTOCOL_ERROR,
    WS_ERR_INVALID_CLOSE_REASON: CloseCode.INVALID_PAYLOAD,
};
/** What the connection's 'error' event carries for a peer's protocol fault. */
export class WebSocketError extends Error {
    code;
    /** The close code the connection was failed with. */
    closeCode;
    constructor(message, code, closeCode) {
        super(message);
        this.name = 'WebSocketError';
        this.code = code;
        this.closeCode = closeCode;
    }
}
