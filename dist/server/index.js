/**
 * The chat server as a library (`wschat/server`): the server itself, its
 * options and the logger it writes to. The pure chat core is `wschat/chat`.
 */
export { createChatServer, mountChat, WEB_ROOT } from "./chat-server.js";
export { defaultServerOptions, parseServerOptions, usage, OptionsError } from "./options.js";
export { createLogger, LOG_LEVELS } from "./logger.js";
