import { FrameQueue } from "./frame-queue.js";
import { Queue } from "./queue.js";
export class TopicHistory {
    messages = new FrameQueue();
    createdAfterId;
    goneUpToId = 0;
    staleSlots = 0;
    deleted = false;
    constructor(createdAfterId) {
        this.createdAfterId = createdAfterId;
    }
    framesAfter(since, now) {
        return this.messages.framesAfter(since, now);
    }
    isCompleteAfter(since, now) {
        return this.createdAfterId < since && this.goneUpToId <= since && !this.messages.hasExpiredAfter(since, now);
    }
    dropOldest() {
        const id = this.messages.shift();
        if (id !== undefined && id > this.goneUpToId)
            this.goneUpToId = id;
    }
}
export class MessageStore {
    #limits;
    #expiry = new Queue();
    #count = 0;
    constructor(limits) {
        this.#limits = limits;
    }
    get count() {
        return this.#count;
    }
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
    restore(history, id, frame, expiresAt) {
        this.#add(history, id, frame, Buffer.byteLength(frame), expiresAt);
    }
    expire(now) {
        for (let front = this.#liveFront(); front !== undefined && front.messages.oldestExpiry() <= now; front = this.#liveFront()) {
            this.#expiry.shift();
            front.dropOldest();
            this.#count--;
        }
    }
    dropTopic(history) {
        this.#count -= history.messages.size;
        history.messages.clear();
        history.deleted = true;
    }
    nextExpiry() {
        return this.#liveFront()?.messages.oldestExpiry();
    }
    #add(history, id, frame, bytes, expiresAt) {
        history.messages.push(id, expiresAt, frame, bytes);
        this.#expiry.push(history);
        this.#count++;
    }
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
