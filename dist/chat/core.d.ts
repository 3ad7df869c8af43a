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
import type { Ref } from './wire.ts';
export interface ReplicaOptions {
    /** Used for `welcome.messageTtl` where a command does not bring its own TTL. */
    messageTtlMs: number;
    maxMessageLength: number;
    maxStoredPerTopic: number;
    /** Bytes of stored frames per topic (UTF-16 units, an upper-bound proxy). */
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
export type Effect = 
/** One frame to one connection. */
{
    type: 'send';
    to: ConnKey;
    frame: string;
}
/**
 * A frame to every reachable member of `topic` except `except`. With `ack`,
 * the sender then gets an ack whose `recipients` counts the members on
 * other processes (`remote` for each process) plus the local connections
 * the frame was really queued to.
 */
 | {
    type: 'deliver';
    topic: string;
    except: ConnKey | undefined;
    frame: string;
    ack?: PendingAck;
    leaver?: ConnKey;
}
/** Close a connection (its membership is already over). */
 | {
    type: 'close';
    conn: ConnKey;
    code: number;
    reason: string;
}
/** A connection's membership changed: the owner keeps its local view in step. */
 | {
    type: 'member';
    conn: ConnKey;
    topic: string | undefined;
    username: string;
    evicted?: boolean;
}
/** For the owner's log. */
 | {
    type: 'event';
    event: 'join' | 'leave' | 'resume';
    conn: ConnKey;
    username: string;
    topic: string;
    reason?: string;
}
/** A process was taken for dead and its members dropped. */
 | {
    type: 'process_down';
    process: string;
    members: number;
};
export interface PendingAck {
    to: ConnKey;
    id: number;
    ref: Ref | undefined;
    timestamp: number;
    /** Reachable members of the topic, the sender excluded, per process. */
    othersByProcess: ReadonlyMap<string, number>;
    /** Log time (ms) of the command. */
    acceptedAt: number;
}
export interface ReplicaSnapshot {
    version: 1;
    now: number;
    liveNow: number;
    lastId: number;
    messagesTotal: number;
    lastSeen: [string, number][];
    topics: {
        name: string;
        createdAfterId: number;
        goneUpToId: number;
        members: (readonly [ConnKey, string, string, number | null])[];
        messages: (readonly [number, number, string])[];
    }[];
    tokens: (readonly [string, ConnKey, string, string, number | null])[];
}
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
    /** Connections of `process` in `topic` that messages reach. */
    membersOn(topic: string, process: string): ConnKey[];
    /** Every member (for comparing with a later state). */
    members(): {
        conn: ConnKey;
        topic: string;
        username: string;
    }[];
    /** Members of `process` (for re-registering them). */
    membersOf(process: string): {
        conn: ConnKey;
        topic: string;
        username: string;
    }[];
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
    /** Unexpired messages stored for `topic`. */
    storedIn(topic: string): number;
    /**
     * The whole shared state as plain JSON-able data: a new process, or one
     * whose place in the log was trimmed away, starts from it and applies the
     * log from the entry it reflects. `restore(snapshot())` gives a replica
     * whose future effects are the same.
     */
    snapshot(): ReplicaSnapshot;
    static restore(snapshot: ReplicaSnapshot, options?: Partial<ReplicaOptions>): ChatReplica;
    apply(command: Command, now: number): Effect[];
}
export declare function seconds(now: number): number;
