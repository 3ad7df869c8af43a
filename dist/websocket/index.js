/** The WebSocket protocol layer (RFC 6455). Knows nothing of chat. */
export { CloseCode, isValidCloseCode } from "./close-codes.js";
export { applyMask } from "./mask.js";
export { Utf8Validator, isValidUtf8 } from "./utf8.js";
export { Opcode, encodeFrame, encodeMessage, encodeClose } from "./encoder.js";
export { FrameParser, FrameDecoder, DEFAULT_MAX_FRAGMENTS, DEFAULT_MAX_MESSAGE_SIZE, } from "./frame-parser.js";
export { MessageAssembler } from "./message-assembler.js";
export { ErrorCode, WebSocketError, closeCodeFor } from "./errors.js";
export { parseExtensions } from "./extensions.js";
export { acceptDeflateOffer, acceptDeflateResponse, deflateOffer, } from "./permessage-deflate.js";
export { deflatePayload, inflatePayload } from "./deflate.js";
export { PreparedMessage, prepareMessage } from "./prepared.js";
export { addressGroup } from "./address.js";
export { acceptKey, generateKey, checkUpgradeRequest, acceptResponse, errorResponse, } from "./handshake.js";
export { WebSocketProtocol } from "./protocol.js";
export { WebSocketConnection, ReadyState, } from "./connection.js";
export { WebSocketServer } from "./server.js";
export { connect, HandshakeError } from "./client.js";
