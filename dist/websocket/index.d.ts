/** The WebSocket protocol layer (RFC 6455). Knows nothing of chat. */
export { CloseCode, isValidCloseCode } from './close-codes.ts';
export { applyMask } from './mask.ts';
export { Utf8Validator, isValidUtf8 } from './utf8.ts';
export { Opcode, encodeFrame, encodeMessage, encodeClose, type EncodeOptions } from './encoder.ts';
export { FrameParser, FrameDecoder, DEFAULT_MAX_FRAGMENTS, DEFAULT_MAX_MESSAGE_SIZE, type DecoderHandler, type DecoderOptions, } from './frame-parser.ts';
export { MessageAssembler, type AssemblerOptions, type MessageSink } from './message-assembler.ts';
export { ErrorCode, WebSocketError, closeCodeFor } from './errors.ts';
export { parseExtensions, type ExtensionOffer, type ExtensionParam } from './extensions.ts';
export { acceptDeflateOffer, acceptDeflateResponse, deflateOffer, type NegotiatedDeflate, type PerMessageDeflateOptions, } from './permessage-deflate.ts';
export { deflatePayload, inflatePayload } from './deflate.ts';
export { PreparedMessage, prepareMessage, type PrepareOptions } from './prepared.ts';
export { addressGroup } from './address.ts';
export { acceptKey, generateKey, checkUpgradeRequest, acceptResponse, errorResponse, type HandshakeOptions, type HandshakeResult, } from './handshake.ts';
export { WebSocketProtocol, type ProtocolHandler, type ProtocolOptions } from './protocol.ts';
export { WebSocketConnection, ReadyState, type ConnectionOptions, type ConnectionEvents, type SendOptions, } from './connection.ts';
export { WebSocketServer, type WebSocketServerOptions, type WebSocketServerEvents } from './server.ts';
export { connect, HandshakeError, type ConnectOptions } from './client.ts';
