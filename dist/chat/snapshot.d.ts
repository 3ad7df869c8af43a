/**
 * The replica's whole shared state as plain JSON-able data, and back. A new
 * process of a cluster, or one whose place in the log was trimmed away,
 * starts from a snapshot and applies the log from the entry it reflects;
 * restoring a snapshot gives a replica whose future effects are the same
 * (a property test checks it).
 */
import type { ConnKey } from './commands.ts';
import type { FrozenFrames } from './frame-queue.ts';
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
/**
 * A snapshot taken at one moment, whose stored messages are read later:
 * everything but the messages is copied now, and each topic's messages are
 * a frozen view of its frame queue (see frame-queue.ts). Turning it into
 * JSON can then be spread over several event-loop turns (snapshotJson).
 */
export interface CapturedSnapshot {
    readonly state: Omit<ReplicaSnapshot, 'topics'> & {
        topics: Omit<ReplicaSnapshot['topics'][number], 'messages'>[];
    };
    readonly messages: readonly FrozenFrames[];
}
export declare function captureSnapshot(parts: ReplicaParts): CapturedSnapshot;
export declare function takeSnapshot(parts: ReplicaParts): ReplicaSnapshot;
/**
 * The JSON text of a captured snapshot (JSON.parse gives a ReplicaSnapshot),
 * in pieces: one per topic's messages, so that a caller can yield to the
 * event loop between pieces instead of stopping the process for the whole
 * history at once.
 */
export declare function snapshotJson(captured: CapturedSnapshot): Generator<string>;
/** Fills empty parts from a snapshot; returns the counters. */
export declare function restoreSnapshot(snapshot: ReplicaSnapshot, parts: Omit<ReplicaParts, 'lastId' | 'messagesTotal'>): {
    lastId: number;
    messagesTotal: number;
};
