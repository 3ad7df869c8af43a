export { createChatServer, loadClusterSupport, mountChat, WEB_ROOT } from "./chat-server.js";
export { defaultServerOptions, parseServerOptions, usage, OptionsError } from "./options.js";
export { createLogger, LOG_LEVELS } from "./logger.js";
