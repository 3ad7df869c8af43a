export { FrameParser, FrameDecoder, DEFAULT_MAX_FRAGMENTS, DEFAULT_MAX_MESSAGE_SIZE, } from "./frame-parser.js";
