import { timingSafeEqual } from 'node:crypto';
import { Queue } from "./queue.js";
const LOOKUP_CHARS = 8;
export class TokenBook {
    #windowMs;
    #byLookup = new Map();
    #byConn = new Map();
    #ended = new Queue();
    constructor(windowMs) {
        this.#windowMs = windowMs;
    }
    get size() {
        return this.#byLookup.size;
    }
    issue(conn, topic, username, token) {
        this.revoke(conn);
        const record = { token, conn, topic, username, endedAt: undefined };
        const key = token.slice(0, LOOKUP_CHARS);
        const clash = this.#byLookup.get(key);
        if (clash !== undefined)
            this.#forget(clash);
        this.#byLookup.set(key, record);
        this.#byConn.set(conn, record);
    }
    end(conn, onPurpose, now) {
        const record = this.#byConn.get(conn);
        if (record === undefined)
            return;
        if (onPurpose || this.#windowMs <= 0) {
            this.#forget(record);
            return;
        }
        if (record.endedAt === undefined) {
            record.endedAt = now;
            this.#ended.push(record);
        }
    }
    revoke(conn) {
        const record = this.#byConn.get(conn);
        if (record !== undefined)
            this.#forget(record);
    }
    find(token, topic, now) {
        if (token.length < LOOKUP_CHARS)
            return undefined;
        const record = this.#byLookup.get(token.slice(0, LOOKUP_CHARS));
        if (record === undefined || !sameSecret(record.token, token))
            return undefined;
        if (record.topic !== topic)
            return undefined;
        if (record.endedAt !== undefined && now - record.endedAt >= this.#windowMs)
            return undefined;
        return record;
    }
    consume(record) {
        this.#forget(record);
    }
    records() {
        const open = [...this.#byConn.values()].filter((r) => r.endedAt === undefined);
        const ended = [...this.#ended].filter((r) => this.#byConn.get(r.conn) === r);
        return [...open, ...ended];
    }
    load(record) {
        this.issue(record.conn, record.topic, record.username, record.token);
        const loaded = this.#byConn.get(record.conn);
        if (record.endedAt !== undefined) {
            loaded.endedAt = record.endedAt;
            this.#ended.push(loaded);
        }
    }
    sweep(now) {
        for (let front = this.#ended.peek(); front !== undefined; front = this.#ended.peek()) {
            if (front.endedAt !== undefined && now - front.endedAt < this.#windowMs && this.#byConn.get(front.conn) === front)
                break;
            this.#ended.shift();
            if (this.#byConn.get(front.conn) === front && front.endedAt !== undefined)
                this.#forget(front);
        }
    }
    #forget(record) {
        const key = record.token.slice(0, LOOKUP_CHARS);
        if (this.#byLookup.get(key) === record)
            this.#byLookup.delete(key);
        if (this.#byConn.get(record.conn) === record)
            this.#byConn.delete(record.conn);
    }
}
function sameSecret(expected, given) {
    const a = Buffer.from(expected);
    const b = Buffer.from(given);
    return a.length === b.length && timingSafeEqual(a, b);
}
