import { type Command, type LeaveWhy } from './commands.ts';
import { ChatReplica, type ReplicaOptions, type ReplicaSnapshot, type ReplicaStats } from './core.ts';
import { ChatEdge, type EdgeOptions } from './edge.ts';
import type { Ref } from './wire.ts';
export type ConnId = number;
export type LocalEffect = {
    type: 'send';
    to: ConnId;
    frame: string;
}
/**
 * One frame for many connections (skipping `except`). `to` is this
 * process's live list for the topic: use it before the next call. With
 * `ack`, the sender then gets an ack counting `remote` plus the
 * connections the frame was really queued to.
 */
 | {
    type: 'broadcast';
    to: readonly ConnId[];
    except: ConnId | undefined;
    frame: string;
    ack?: LocalAck;
} | {
    type: 'close';
    conn: ConnId;
    code: number;
    reason: string;
} | {
    type: 'event';
    event: string;
    conn?: ConnId;
    username?: string;
    topic?: string;
    reason?: string;
    count?: number;
};
export interface LocalAck {
    to: ConnId;
    id: number;
    ref: Ref | undefined;
    timestamp: number;
    /** Recipients on other processes. */
    remote: number;
    /** Log time (ms) when the message was accepted. */
    acceptedAt: number;
}
/** The ordered log of commands (see lib/log/). */
export interface CommandLog {
    /** True for the in-memory log of a single process: it applies at once and needs explicit ticks. */
    readonly local: boolean;
    /** Whether appends can succeed right now. */
    readonly available: boolean;
    /**
     * Appends a command. The log later hands it, with its log time, to the
     * subscriber (the in-memory log does so before returning). `onFailed` is
     * called if the command was not appended (it may still have been, after a
     * stall: at most once).
     */
    append(command: Command, onFailed: () => void): void;
}
export interface NodeOptions {
    /** This process's id in the cluster: letters and digits, no dot. */
    processId: string;
    replica?: Partial<ReplicaOptions>;
    edge?: Partial<EdgeOptions>;
    /** The resume-token source (at least 128 random bits). */
    randomToken?: () => string;
}
export declare class ChatNode {
    #private;
    readonly processId: string;
    readonly edge: ChatEdge;
    /** Where effects of commands applied outside a call go. */
    onEffects: (effects: LocalEffect[]) => void;
    constructor(options: NodeOptions, log: CommandLog);
    get replica(): ChatReplica;
    /** True in a cluster: figures are then this process's own view. */
    get clustered(): boolean;
    /** Unexpired messages of the topics this process's users are in. */
    localStoredMessages(): number;
    /**
     * Starts over from a snapshot of the shared state (a new process, or one
     * whose place in the log is gone). Members of this process that the
     * snapshot lacks are registered again.
     */
    load(snapshot: ReplicaSnapshot): LocalEffect[];
    connect(id: ConnId, now: number): LocalEffect[];
    receiveText(id: ConnId, text: string, now: number): LocalEffect[];
    receiveBinary(id: ConnId, now: number): LocalEffect[];
    /**
     * The connection has ended. `why` says whose idea it was: the client's
     * close frame (`close`), a drop without one (`drop`), or the server
     * (`server`, for a close the server started).
     */
    disconnect(id: ConnId, why: LeaveWhy, detail: string, now: number): LocalEffect[];
    /** Timers: join and idle timeouts, and (one process) the replica's expiry and grace deadlines. */
    tick(now: number): LocalEffect[];
    nextDeadline(): number | undefined;
    /** Connections, and the replica's figures (in a cluster: this process's own view of topics and messages). */
    stats(now?: number): ReplicaStats & {
        connections: number;
        localTopics: number;
    };
    /** Applies one command from the log, with its log time. */
    apply(command: Command, now: number): LocalEffect[];
    /**
     * The log lost its data (or this process starts over): forget the shared
     * state, then register this process's members again without telling anyone.
     */
    reset(): LocalEffect[];
    /** The log is back: send what could not be sent, and re-register if needed. */
    resume(): LocalEffect[];
    /** A graceful stop: one command takes every member of this process out at once. */
    stop(): LocalEffect[];
}
