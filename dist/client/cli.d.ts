/**
 * The terminal chat client: argument parsing and two front ends over the
 * reconnecting session of ./session.ts:
 *
 * - interactive (stdin is a TTY): a readline prompt that survives incoming
 *   lines, formatted and coloured by ./format.ts;
 * - pipe (stdin is not a TTY): input lines in, every server frame out as the
 *   exact JSON text, one per line, so scripts and tests can drive it.
 *
 * `runClient(argv, io)` is the whole program with its streams injected.
 */
export { backoffDelay } from './session.ts';
import type { Readable, Writable } from 'node:stream';
export declare const DEFAULT_URL = "ws://localhost:8000/ws";
export declare const USAGE = "usage: wschat-client [username] [topic] [--url URL]\n\nChat on a wschat server. Missing names are asked for when standard input is a\nterminal; otherwise both are required.\n\n  --url, -u URL   server WebSocket URL (default ws://localhost:8000/ws)\n  --help, -h      show this help\n\nInteractive: type a line to send it; /list /who /join <topic> /dm <user> <text>\n/leave /help /quit are sent to the server. Ctrl-D or /quit exits.\n\nPiped (stdin not a terminal): the join is sent first, then each input line as a\nmessage (lines starting with / as commands). Every server frame is printed on\nstdout as one JSON line; diagnostics go to stderr. Exit codes: 0 after a normal\nclose, 1 if the connection failed or was closed by the server, 2 for bad\narguments.";
export declare class UsageError extends Error {
    name: string;
}
export interface CliArgs {
    username: string | undefined;
    topic: string | undefined;
    url: string;
}
export declare function parseCliArgs(argv: readonly string[]): CliArgs | 'help';
export interface ClientIO {
    stdin: Readable & {
        isTTY?: boolean;
    };
    stdout: Writable & {
        isTTY?: boolean;
    };
    stderr: Writable;
    env: Record<string, string | undefined>;
    /** Aborted on SIGINT/SIGTERM: close the connection properly and exit. */
    stop?: AbortSignal;
}
export declare function runClient(argv: readonly string[], io: ClientIO): Promise<number>;
export declare function main(): Promise<void>;
