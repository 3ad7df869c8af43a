/** The WebSocket protocol layer (RFC 6455). Knows nothing of chat. */
export { CloseCode, isValidCloseCode } from './close-codes.ts';
export { applyMask } from './mask.ts';
export { Utf8Validator, isValidUtf8 } from './utf8.ts';
export { Opcode, encodeFrame, encodeMessage, encodeClose, type EncodeOptions } from './encoder.ts';
export { FrameDecoder, DEFAULT_MAX_FRAGMENTS, DEFAULT_MAX_MESSAGE_SIZE, type DecoderHandler, type DecoderOptions, } from './decoder.ts';
export { acceptKey, generateKey, checkUpgradeRequest, acceptResponse, errorResponse, type HandshakeOptions, type HandshakeResult, } from './handshake.ts';
export { WebSocketConnection, ReadyState, type ConnectionOptions, type ConnectionEvents } from './connection.ts';
export { WebSocketServer, type WebSocketServerOptions, type WebSocketServerEvents } from './server.ts';
export { connect, HandshakeError, type ConnectOptions } from './client.ts';
