/**
 * Resume tokens: the secret in every `welcome` that lets a client whose
 * connection dropped take its place back. A token is shared state (any
 * process of a cluster may see the resume), so it lives in the replica and
 * is decided there; the edge only creates the random secret.
 *
 * A token is valid while its member's connection is open, and for the
 * resume window after that connection ended, unless the membership ended
 * on purpose (then it is gone at once). Only the latest token of a
 * connection counts, and a token works once.
 */
import { timingSafeEqual } from 'node:crypto';
import { Queue } from "./queue.js";
/** Characters of the token used to find its record; the whole token is then compared in constant time. */
const LOOKUP_CHARS = 8;
export class TokenBook {
    #windowMs;
    #byLookup = new Map();
    #byConn = new Map();
    /** Ended records in end order, to forget them when the window passes. */
    #ended = new Queue();
    constructor(windowMs) {
        this.#windowMs = windowMs;
    }
    get size() {
        return this.#byLookup.size;
    }
    /** Gives `conn` a new token for its membership; any older token of `conn` stops working. */
    issue(conn, topic, username, token) {
        this.revoke(conn);
        const record = { token, conn, topic, username, endedAt: undefined };
        const key = token.slice(0, LOOKUP_CHARS);
        // A lookup collision (2^-48 per pair) only makes the older token unusable.
        const clash = this.#byLookup.get(key);
        if (clash !== undefined)
            this.#forget(clash);
        this.#byLookup.set(key, record);
        this.#byConn.set(conn, record);
    }
    /** The membership ended; on purpose the token is gone, otherwise the window starts. */
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
    /** The valid record for `token` in `topic`, if any. Does not use it up. */
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
    /** Uses a token up. */
    consume(record) {
        this.#forget(record);
    }
    /** Every live record, ended ones in end order last (for a snapshot). */
    records() {
        const open = [...this.#byConn.values()].filter((r) => r.endedAt === undefined);
        const ended = [...this.#ended].filter((r) => this.#byConn.get(r.conn) === r);
        return [...open, ...ended];
    }
    /** Puts back a record from a snapshot. */
    load(record) {
        this.issue(record.conn, record.topic, record.username, record.token);
        const loaded = this.#byConn.get(record.conn);
        if (record.endedAt !== undefined) {
            loaded.endedAt = record.endedAt;
            this.#ended.push(loaded);
        }
    }
    /** Forgets tokens whose window has passed. */
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
/** Constant-time comparison of two tokens (RFC-style secret comparison: no early exit on the first difference). */
function sameSecret(expected, given) {
    const a = Buffer.from(expected);
    const b = Buffer.from(given);
    return a.length === b.length && timingSafeEqual(a, b);
}
