export { ChatReplica, DEFAULT_REPLICA_OPTIONS } from "./core.js";
export { ChatEdge, DEFAULT_EDGE_OPTIONS } from "./edge.js";
export { ChatNode } from "./node.js";
export { COMMAND_VERSION, decodeCommand, processOf } from "./commands.js";
export { Queue } from "./queue.js";
export { MAX_REF_LENGTH, MAX_TOPIC_LENGTH, MAX_USERNAME_LENGTH, checkMessageText, codePointLength, isValidRef, nameKey, normalizeTopic, normalizeUsername, parseClientFrame, parseCommand, } from "./validate.js";
export * as frames from "./frames.js";
export { ERROR_CODES, ChatCloseCode } from "./wire.js";
