/** The pure chat core: state machine, validation and frame builders. */
export { ChatCore, DEFAULT_CHAT_OPTIONS } from "./core.js";
export { Queue } from "./queue.js";
export { MAX_REF_LENGTH, MAX_TOPIC_LENGTH, MAX_USERNAME_LENGTH, checkMessageText, codePointLength, isValidRef, nameKey, normalizeTopic, normalizeUsername, parseClientFrame, parseCommand, } from "./validate.js";
export * as frames from "./frames.js";
