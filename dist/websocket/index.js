/** The WebSocket protocol layer (RFC 6455). Knows nothing of chat. */
export { CloseCode, isValidCloseCode } from "./close-codes.js";
export { applyMask } from "./mask.js";
export { Utf8Validator, isValidUtf8 } from "./utf8.js";
export { Opcode, encodeFrame, encodeMessage, encodeClose } from "./encoder.js";
export { FrameDecoder, DEFAULT_MAX_FRAGMENTS, DEFAULT_MAX_MESSAGE_SIZE, } from "./decoder.js";
export { acceptKey, generateKey, checkUpgradeRequest, acceptResponse, errorResponse, } from "./handshake.js";
export { WebSocketConnection, ReadyState } from "./connection.js";
export { WebSocketServer } from "./server.js";
export { connect, HandshakeError } from "./client.js";
