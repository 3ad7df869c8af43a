/**
 * The chat server as a library (`wschat/server`): the server itself, its
 * options and the logger it writes to. The pure chat core is `wschat/chat`.
 */
export { createChatServer, loadClusterSupport, mountChat, WEB_ROOT, type ChatServer, type MountedChat, type MountOptions } from './chat-server.ts';
export { defaultServerOptions, parseServerOptions, usage, OptionsError, type ServerOptions } from './options.ts';
export { createLogger, LOG_LEVELS, type Logger, type LogLevel, type LogFields } from './logger.ts';
