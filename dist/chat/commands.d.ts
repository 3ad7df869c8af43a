/**
 * The commands that go through the ordered log: every change that concerns
 * more than one connection. Every process applies every command, in log
 * order, to its own replica of the chat; the same commands in the same
 * order give the same state everywhere. So a command carries everything
 * the replica needs (the time comes with it from the log, ids are derived
 * from that time), and nothing a replica could compute differently.
 *
 * Commands are plain JSON. `v` is the format version: a process that reads
 * a version it does not know skips the command and says so in its log,
 * rather than guessing (all processes of a cluster should run one version).
 */
import type { Ref } from './wire.ts';
export declare const COMMAND_VERSION = 1;
/** A connection, unique across the cluster: `<process id>.<local number>`. */
export type ConnKey = string;
/**
 * Why a member left. `leave`, `quit`, `close` (the client's close frame) and
 * moving to another topic are on purpose: they use up the resume token.
 * `drop` (no close frame: the TCP connection or the heartbeat failed) starts
 * the grace period; `server` (a close the server started: idle, rate limit,
 * slow consumer, shutdown, a protocol fault) leaves the token valid.
 */
export type LeaveWhy = 'leave' | 'quit' | 'close' | 'drop' | 'server';
/** Where a restored member was, as its own process remembers it. */
export interface RestoredMember {
    c: ConnKey;
    topic: string;
    name: string;
    token: string;
}
export type Command = 
/** A join payload, already validated and normalised at the edge. */
{
    v: 1;
    t: 'join';
    c: ConnKey;
    name: string;
    topic: string;
    token: string;
    resume?: string;
    since?: number;
}
/** `/join <topic>`: leave the current topic (on purpose) and join another. */
 | {
    v: 1;
    t: 'move';
    c: ConnKey;
    topic: string;
    token: string;
}
/** The member leaves its topic; `detail` is for the log only. */
 | {
    v: 1;
    t: 'leave';
    c: ConnKey;
    why: LeaveWhy;
    detail: string;
}
/** A chat message, checked at the edge. */
 | {
    v: 1;
    t: 'say';
    c: ConnKey;
    text: string;
    ref?: Ref;
    ttl: number;
    n?: number;
}
/** `/dm` with its raw arguments (the recipient is found at apply time). `n` numbers a connection's writes. */
 | {
    v: 1;
    t: 'dm';
    c: ConnKey;
    args: string;
    ref?: Ref;
    n?: number;
} | {
    v: 1;
    t: 'typing';
    c: ConnKey;
}
/** Time passes; in a cluster also a process's heartbeat. */
 | {
    v: 1;
    t: 'tick';
    p: string;
}
/** A process stops on purpose: its members leave at once. */
 | {
    v: 1;
    t: 'stop';
    p: string;
}
/**
 * A process registers its members again: after the cluster took it for
 * dead, or after Redis lost its data. `announce` sends `joined` for
 * members the replica did not have (the cut-off case).
 */
 | {
    v: 1;
    t: 'restore';
    p: string;
    members: RestoredMember[];
    announce: boolean;
};
export type CommandType = Command['t'];
/** The process part of a connection key. */
export declare function processOf(conn: ConnKey): string;
/**
 * Reads a command from the log. Commands are written by our own processes,
 * so this checks the envelope (version and type), not every field.
 */
export declare function decodeCommand(json: string): Command | {
    unknown: string;
};
