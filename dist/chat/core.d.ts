/**
 * The chat replica: the state every process of a cluster must share (topics,
 * members, names, history, ids, resume tokens, which processes are alive)
 * and the rules that change it. `apply(command, now)` is the only way in:
 * pure, no sockets, no timers, no clock, no randomness. The time comes with
 * each command (from the log), ids are derived from it, and the effects come
 * out addressed to connections (`<process>.<n>`) or to a topic. Every
 * process applies the same commands in the same order and so computes the
 * same state; each carries out only the effects for its own connections.
 *
 * What belongs to one connection (parsing, rate limits, timers, the lobby)
 * is not here: see edge.ts.
 */
import { type Command, type ConnKey } from './commands.ts';
import { type MemberView } from './membership.ts';
import { type CapturedSnapshot, type ReplicaSnapshot } from './snapshot.ts';
import type { Effect } from './effects.ts';
export type { ReplicaSnapshot } from './snapshot.ts';
export type { Effect, PendingAck } from './effects.ts';
export interface ReplicaOptions {
    /** Used for `welcome.messageTtl` where a command does not bring its own TTL. */
    messageTtlMs: number;
    maxMessageLength: number;
    maxStoredPerTopic: number;
    /** Bytes (UTF-8) of stored frames per topic. */
    maxStoredBytesPerTopic: number;
    resumeWindowMs: number;
    /** 0 = off: a dropped member leaves at once. */
    resumeGraceMs: number;
    /** A process silent for this much live log time is dead; 0 = liveness off (one process). */
    processDeadAfterMs: number;
    /** A gap between two log entries counts as at most this much live time (a longer gap is an outage of the log itself). */
    maxLiveGapMs: number;
    /** `/list` shows at most this many topics (the most populated first). */
    maxListedTopics: number;
}
export declare const DEFAULT_REPLICA_OPTIONS: Readonly<ReplicaOptions>;
export interface ReplicaStats {
    topics: number;
    storedMessages: number;
    messagesTotal: number;
    members: number;
    processes: number;
}
export declare class ChatReplica {
    #private;
    readonly options: Readonly<ReplicaOptions>;
    constructor(options?: Partial<ReplicaOptions>);
    memberOf(conn: ConnKey): {
        topic: string;
        username: string;
    } | undefined;
    usersFrame(conn: ConnKey): string | undefined;
    /** The `/list` reply: the most populated topics first, bounded, cached until membership changes. */
    topicsFrame(): string;
    /** Every member (for comparing with a later state). */
    members(): MemberView[];
    stats(): ReplicaStats;
    /** The log time of the last command applied. */
    get now(): number;
    get lastId(): number;
    /** When something time-driven is next due (expiry, the end of a grace period). */
    nextDeadline(): number | undefined;
    /** A digest of the shared state, to compare replicas in tests and logs. */
    digest(): string;
    /** Drops expired messages now (one process only: replicas in a cluster expire in log order). */
    expireMessages(now: number): void;
    /** The live process with the lowest id: the one that writes snapshots. */
    lowestLiveProcess(): string | undefined;
    /** Members of `topic` on `process` that messages reach (not in a grace period). */
    reachableOn(topic: string, process: string): number;
    /** Unexpired messages stored for `topic`. */
    storedIn(topic: string): number;
    snapshot(): ReplicaSnapshot;
    /** The state now, with the stored messages to be read later (see snapshot.ts). */
    captureSnapshot(): CapturedSnapshot;
    static restore(snapshot: ReplicaSnapshot, options?: Partial<ReplicaOptions>): ChatReplica;
    apply(command: Command, now: number): Effect[];
}
export declare function seconds(now: number): number;
