import { type Command, type LeaveWhy } from './commands.ts';
import { ChatReplica, type ReplicaSnapshot, type ReplicaStats } from './core.ts';
import { ChatEdge } from './edge.ts';
import { type CommandLog, type ConnId, type LocalEffect, type NodeOptions } from './local-effects.ts';
export type { CommandLog, ConnId, LocalAck, LocalEffect, NodeOptions } from './local-effects.ts';
export declare class ChatNode {
    #private;
    readonly processId: string;
    readonly edge: ChatEdge;
    /** Where effects of commands applied outside a call go. */
    onEffects: (effects: LocalEffect[]) => void;
    constructor(options: NodeOptions, log: CommandLog);
    get replica(): ChatReplica;
    /** Connection records still held (open ones, and gone ones with commands in flight). */
    trackedConnections: () => number;
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
