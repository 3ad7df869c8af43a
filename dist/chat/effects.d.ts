/**
 * What applying a command asks of the processes: effects addressed to a
 * connection (`<process>.<n>`) or naming a topic. Each process carries out
 * only those for its own connections (lib/chat/node.ts).
 */
import type { ConnKey } from './commands.ts';
import type { Ref } from './wire.ts';
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
    /**
     * Reachable members of the topic, the sender excluded, cluster-wide. A
     * process subtracts its own (it counts those it really queued the frame to).
     */
    others: number;
    /** Log time (ms) of the command. */
    acceptedAt: number;
}
