/**
 * Stored messages: each topic's history, their expiry, and the bounds on
 * what a topic keeps (a count and a byte budget, oldest dropped first).
 * Also what a resuming client needs to know whether it can have missed
 * something: the highest id that left a topic before its time was up or
 * by expiry, and the last id issued before the topic was created.
 */
import { FrameQueue } from "./frame-queue.js";
import { Queue } from "./queue.js";
/** One topic's stored messages, oldest (lowest id) first, as bytes off the heap (frame-queue.ts). */
export class TopicHistory {
    messages = new FrameQueue();
    /** The highest id issued before this topic (this incarnation of its name) was created. */
    createdAfterId;
    /** The highest id of this topic that expired or was dropped; 0 if none. */
    goneUpToId = 0;
    /** Its slots in the store's expiry queue that belong to messages already gone (dropped for the bounds). */
    staleSlots = 0;
    /** The topic was deleted: all its slots in the store's expiry queue are stale. */
    deleted = false;
    constructor(createdAfterId) {
        this.createdAfterId = createdAfterId;
    }
    /** Frames of unexpired messages with an id above `since`, oldest first. */
    framesAfter(since, now) {
        // Expiry runs at tick time; skip what is already past its time.
        return this.messages.framesAfter(since, now);
    }
    /**
     * True when a client that has seen every message up to `since` misses
     * nothing by taking `framesAfter(since)`: this incarnation of the topic
     * existed before message `since` was accepted (it was created when the last
     * id issued was below `since`), and none of its messages above `since` is
     * gone, or past its time at `now` but not removed yet (with different TTLs
     * in a cluster, expiry does not always reach a topic's messages in order).
     */
    isCompleteAfter(since, now) {
        return this.createdAfterId < since && this.goneUpToId <= since && !this.messages.hasExpiredAfter(since, now);
    }
    /** Drops the oldest message, remembering its id as gone. */
    dropOldest() {
        const id = this.messages.shift();
        if (id !== undefined && id > this.goneUpToId)
            this.goneUpToId = id;
    }
}
/**
 * Every topic's stored messages, with one expiry queue for all of them: a
 * slot per stored message, in the order they were stored, naming its topic.
 * A topic's messages leave in order (expiry or bounds), so its slots map to
 * its messages in order; those of messages dropped early are counted as
 * stale and skipped.
 */
export class MessageStore {
    #limits;
    /** The topic of each stored message, in store order (with one TTL also expiry order). */
    #expiry = new Queue();
    #count = 0;
    constructor(limits) {
        this.#limits = limits;
    }
    get count() {
        return this.#count;
    }
    /** Stores a message frame for `ttlMs` (the TTL of the process that accepted it). */
    store(history, id, frame, now, ttlMs = this.#limits.messageTtlMs) {
        const { maxMessages, maxBytes } = this.#limits;
        const bytes = Buffer.byteLength(frame);
        if (ttlMs <= 0 || maxMessages < 1 || bytes > maxBytes) {
            history.goneUpToId = Math.max(history.goneUpToId, id);
            return;
        }
        this.#add(history, id, frame, bytes, now + ttlMs);
        const messages = history.messages;
        while (messages.size > maxMessages || messages.bytes > maxBytes) {
            history.dropOldest();
            history.staleSlots++;
            this.#count--;
        }
    }
    /** Puts back a message from a snapshot (in id order, bounds already applied). */
    restore(history, id, frame, expiresAt) {
        this.#add(history, id, frame, Buffer.byteLength(frame), expiresAt);
    }
    /** Removes every message whose time is up. */
    expire(now) {
        for (let front = this.#liveFront(); front !== undefined && front.messages.oldestExpiry() <= now; front = this.#liveFront()) {
            this.#expiry.shift();
            front.dropOldest();
            this.#count--;
        }
    }
    /** Forgets a deleted topic's messages now (their slots in the expiry queue are skipped later). */
    dropTopic(history) {
        this.#count -= history.messages.size;
        history.messages.clear();
        history.deleted = true;
    }
    /** When the next message expires, if any. */
    nextExpiry() {
        return this.#liveFront()?.messages.oldestExpiry();
    }
    #add(history, id, frame, bytes, expiresAt) {
        history.messages.push(id, expiresAt, frame, bytes);
        this.#expiry.push(history);
        this.#count++;
    }
    /** The topic of the oldest slot that still stands for a stored message (stale slots are dropped on the way). */
    #liveFront() {
        for (let front = this.#expiry.peek(); front !== undefined; front = this.#expiry.peek()) {
            if (!front.deleted && front.staleSlots === 0)
                return front;
            this.#expiry.shift();
            if (!front.deleted)
                front.staleSlots--;
        }
        return undefined;
    }
}
