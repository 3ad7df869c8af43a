/**
 * Stored messages: each topic's history, their expiry, and the bounds on
 * what a topic keeps (a count and a byte budget, oldest dropped first).
 * Also what a resuming client needs to know whether it can have missed
 * something: the highest id that left a topic before its time was up or
 * by expiry, and the last id issued before the topic was created.
 */
import { Queue } from "./queue.js";
/** One topic's stored messages, oldest (lowest id) first. */
export class TopicHistory {
    messages = new Queue();
    bytes = 0;
    /** The highest id issued before this topic (this incarnation of its name) was created. */
    createdAfterId;
    /** The highest id of this topic that expired or was dropped; 0 if none. */
    goneUpToId = 0;
    constructor(createdAfterId) {
        this.createdAfterId = createdAfterId;
    }
    /** Frames of unexpired messages with an id above `since`, oldest first. */
    framesAfter(since, now) {
        const frames = [];
        // Expiry runs at tick time; skip what is already past its time.
        this.messages.forEach((m) => {
            if (m.id > since && m.expiresAt > now)
                frames.push(m.json);
        });
        return frames;
    }
    /**
     * True when a client that has seen every message up to `since` misses
     * nothing by taking `framesAfter(since)`: this incarnation of the topic
     * existed before message `since` was accepted (it was created when the last
     * id issued was below `since`), and none of its messages above `since` is gone.
     */
    isCompleteAfter(since) {
        return this.createdAfterId < since && this.goneUpToId <= since;
    }
}
/** Every topic's stored messages, with one expiry queue for all of them. */
export class MessageStore {
    #limits;
    /** All stored messages in id order; with one TTL also expiry order. */
    #all = new Queue();
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
        const messageTtlMs = ttlMs;
        const bytes = Buffer.byteLength(frame);
        if (messageTtlMs <= 0 || maxMessages < 1 || bytes > maxBytes) {
            history.goneUpToId = Math.max(history.goneUpToId, id);
            return;
        }
        const record = { id, expiresAt: now + ttlMs, bytes, json: frame, dead: false, history };
        this.#all.push(record);
        history.messages.push(record);
        history.bytes += bytes;
        this.#count++;
        while (history.messages.size > maxMessages || history.bytes > maxBytes) {
            const dropped = history.messages.shift();
            if (dropped === undefined)
                break;
            this.#bury(dropped);
        }
    }
    /** Puts back a message from a snapshot (in id order, bounds already applied). */
    restore(history, id, frame, expiresAt) {
        const record = { id, expiresAt, bytes: Buffer.byteLength(frame), json: frame, dead: false, history };
        this.#all.push(record);
        history.messages.push(record);
        history.bytes += record.bytes;
        this.#count++;
    }
    /** Removes every message whose time is up. */
    expire(now) {
        for (let front = this.#liveFront(); front !== undefined && front.expiresAt <= now; front = this.#liveFront()) {
            this.#all.shift();
            // One TTL for all: the global front is also its topic's oldest message.
            front.history.messages.shift();
            this.#bury(front);
        }
    }
    /** Forgets a deleted topic's messages now (their records in the global queue are skipped later). */
    dropTopic(history) {
        history.messages.forEach((m) => this.#bury(m));
        history.messages.clear();
    }
    /** When the next message expires, if any. */
    nextExpiry() {
        return this.#liveFront()?.expiresAt;
    }
    #bury(message) {
        const history = message.history;
        history.bytes -= message.bytes;
        if (message.id > history.goneUpToId)
            history.goneUpToId = message.id;
        message.dead = true;
        message.json = '';
        this.#count--;
    }
    #liveFront() {
        let front = this.#all.peek();
        while (front !== undefined && front.dead) {
            this.#all.shift();
            front = this.#all.peek();
        }
        return front;
    }
}
