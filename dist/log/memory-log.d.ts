/**
 * The ordered log of a single process: a command is applied the moment it
 * is appended, with the clock's time (never going back). The server keeps
 * one code path for one process and many: the same commands reach the same
 * `apply`, only without a round trip.
 */
import type { Command } from '../chat/commands.ts';
import type { CommandLog } from '../chat/node.ts';
export declare class MemoryLog implements CommandLog {
    #private;
    readonly local = true;
    readonly available = true;
    constructor(clock?: () => number);
    /** Where appended commands go (the node's `apply`). */
    subscribe(apply: (command: Command, now: number) => void): void;
    append(command: Command): void;
}
