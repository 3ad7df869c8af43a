/**
 * Kept for existing imports: the receiving side now lives in
 * frame-parser.ts (frames) and message-assembler.ts (messages).
 */
export { FrameParser, FrameDecoder, DEFAULT_MAX_FRAGMENTS, DEFAULT_MAX_MESSAGE_SIZE, type DecoderHandler, type DecoderOptions, } from './frame-parser.ts';
