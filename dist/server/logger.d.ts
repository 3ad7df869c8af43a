/**
 * One line per event on standard error, with a level. A fault caused by a
 * client is logged without a stack; a stack trace means a bug in the server.
 */
export declare const LOG_LEVELS: readonly ["debug", "info", "warn", "error"];
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFields = Record<string, string | number | boolean | undefined>;
export interface Logger {
    debug(event: string, fields?: LogFields): void;
    info(event: string, fields?: LogFields): void;
    warn(event: string, fields?: LogFields): void;
    error(event: string, fields?: LogFields, error?: unknown): void;
}
export declare function createLogger(level?: LogLevel, write?: (line: string) => void): Logger;
