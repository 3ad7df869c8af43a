/**
 * The replica's whole shared state as plain JSON-able data, and back. A new
 * process of a cluster, or one whose place in the log was trimmed away,
 * starts from a snapshot and applies the log from the entry it reflects;
 * restoring a snapshot gives a replica whose future effects are the same
 * (a property test checks it).
 */
import type { ConnKey } from './commands.ts';
import type { MessageStore } from './history.ts';
import type { Liveness } from './liveness.ts';
import type { Membership } from './membership.ts';
import type { TokenBook } from './resume.ts';
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
        /** [conn, username, requested name, end of grace or null] in list order. */
        members: (readonly [ConnKey, string, string, number | null])[];
        /** [id, expiresAt, frame] oldest first. */
        messages: (readonly [number, number, string])[];
    }[];
    /** [token, conn, topic, username, endedAt or null]. */
    tokens: (readonly [string, ConnKey, string, string, number | null])[];
}
export interface ReplicaParts {
    membership: Membership;
    store: MessageStore;
    tokens: TokenBook;
    liveness: Liveness;
    lastId: number;
    messagesTotal: number;
}
export declare function takeSnapshot(parts: ReplicaParts): ReplicaSnapshot;
/** Fills empty parts from a snapshot; returns the counters. */
export declare function restoreSnapshot(snapshot: ReplicaSnapshot, parts: Omit<ReplicaParts, 'lastId' | 'messagesTotal'>): {
    lastId: number;
    messagesTotal: number;
};
