/**
 * The terminal chat client: parses the arguments and runs one of two thin
 * front ends over the shared chat state (./chat-state.ts) and the
 * reconnecting session (./session.ts):
 *
 * - interactive (stdin is a TTY): ./interactive.ts, a readline prompt;
 * - script (stdin is not a TTY): ./script.ts, every server frame out as one
 *   JSON line, so scripts and tests can drive it.
 *
 * `runClient(argv, io)` is the whole program with its streams injected.
 */
import type { Readable, Writable } from 'node:stream';
export { DEFAULT_URL, USAGE, UsageError, parseCliArgs, type CliArgs } from './args.ts';
export { backoffDelay } from './session.ts';
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
