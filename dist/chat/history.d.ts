/**
 * Stored messages: each topic's history, their expiry, and the bounds on
 * what a topic keeps (a count and a byte budget, oldest dropped first).
 * Also what a resuming client needs to know whether it can have missed
 * something: the highest id that left a topic before its time was up or
 * by expiry, and the last id issued before the topic was created.
 */
import { FrameQueue } from './frame-queue.ts';
export interface HistoryLimits {
    /** Milliseconds a message is kept; 0 keeps nothing. */
    messageTtlMs: number;
    /** Messages per topic; older ones are dropped first. */
    maxMessages: number;
    /** Bytes of stored frames (UTF-8, as they go on the wire uncompressed) per topic. */
    maxBytes: number;
}
/** One topic's stored messages, oldest (lowest id) first, as bytes off the heap (frame-queue.ts). */
export declare class TopicHistory {
    readonly messages: FrameQueue;
    /** The highest id issued before this topic (this incarnation of its name) was created. */
    readonly createdAfterId: number;
    /** The highest id of this topic that expired or was dropped; 0 if none. */
    goneUpToId: number;
    /** Its slots in the store's expiry queue that belong to messages already gone (dropped for the bounds). */
    staleSlots: number;
    /** The topic was deleted: all its slots in the store's expiry queue are stale. */
    deleted: boolean;
    constructor(createdAfterId: number);
    /** Frames of unexpired messages with an id above `since`, oldest first. */
    framesAfter(since: number, now: number): string[];
    /**
     * True when a client that has seen every message up to `since` misses
     * nothing by taking `framesAfter(since)`: this incarnation of the topic
     * existed before message `since` was accepted (it was created when the last
     * id issued was below `since`), and none of its messages above `since` is
     * gone, or past its time at `now` but not removed yet (with different TTLs
     * in a cluster, expiry does not always reach a topic's messages in order).
     */
    isCompleteAfter(since: number, now: number): boolean;
    /** Drops the oldest message, remembering its id as gone. */
    dropOldest(): void;
}
/**
 * Every topic's stored messages, with one expiry queue for all of them: a
 * slot per stored message, in the order they were stored, naming its topic.
 * A topic's messages leave in order (expiry or bounds), so its slots map to
 * its messages in order; those of messages dropped early are counted as
 * stale and skipped.
 */
export declare class MessageStore {
    #private;
    constructor(limits: HistoryLimits);
    get count(): number;
    /** Stores a message frame for `ttlMs` (the TTL of the process that accepted it). */
    store(history: TopicHistory, id: number, frame: string, now: number, ttlMs?: number): void;
    /** Puts back a message from a snapshot (in id order, bounds already applied). */
    restore(history: TopicHistory, id: number, frame: string, expiresAt: number): void;
    /** Removes every message whose time is up. */
    expire(now: number): void;
    /** Forgets a deleted topic's messages now (their slots in the expiry queue are skipped later). */
    dropTopic(history: TopicHistory): void;
    /** When the next message expires, if any. */
    nextExpiry(): number | undefined;
}
