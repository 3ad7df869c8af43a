/**
 * One line per event on standard error, with a level. A fault caused by a
 * client is logged without a stack; a stack trace means a bug in the server.
 * Every line stays one line (values are escaped), and a log stream that
 * fails (EPIPE, EBADF: the reader went away) turns logging off instead of
 * throwing: logging must never take the server down or make it spin.
 */
import type { Writable } from 'node:stream';
export declare const LOG_LEVELS: readonly ["debug", "info", "warn", "error"];
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFields = Record<string, string | number | boolean | undefined>;
export interface Logger {
    /** True at level debug: guard per-frame logging with it so it costs nothing otherwise. */
    readonly debugEnabled: boolean;
    debug(event: string, fields?: LogFields): void;
    info(event: string, fields?: LogFields): void;
    warn(event: string, fields?: LogFields): void;
    error(event: string, fields?: LogFields, error?: unknown): void;
}
/**
 * Writes lines to `stream` until it fails once; after that, nothing more is
 * written (a broken standard error has nobody reading it). Never throws.
 */
export declare function streamWriter(stream: Writable): (line: string) => void;
export declare function createLogger(level?: LogLevel, write?: (line: string) => void): Logger;
