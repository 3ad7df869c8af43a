const MIN_CHUNK = 512;
const MAX_CHUNK = 64 * 1024;
const INITIAL_SLOTS = 8;
const KEEP_SLOTS = 64;
const ID = 0;
const EXPIRES = 1;
const CHUNK = 2;
const OFFSET = 3;
const LENGTH = 4;
const FIELDS = 5;
export class FrameQueue {
    #meta = new Float64Array(INITIAL_SLOTS * FIELDS);
    #head = 0;
    #size = 0;
    #bytes = 0;
    #chunks = [];
    #firstChunk = 0;
    #used = 0;
    get size() {
        return this.#size;
    }
    get bytes() {
        return this.#bytes;
    }
    push(id, expiresAt, frame, byteLength) {
        if (this.#size === this.#capacity)
            this.#resize(this.#capacity * 2);
        let chunk = this.#chunks[this.#chunks.length - 1];
        if (chunk === undefined || chunk.length - this.#used < byteLength) {
            const size = Math.max(byteLength, Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, this.#bytes)));
            chunk = Buffer.allocUnsafeSlow(size);
            this.#chunks.push(chunk);
            this.#used = 0;
        }
        const at = this.#at(this.#size);
        const meta = this.#meta;
        meta[at + ID] = id;
        meta[at + EXPIRES] = expiresAt;
        meta[at + CHUNK] = this.#firstChunk + this.#chunks.length - 1;
        meta[at + OFFSET] = this.#used;
        meta[at + LENGTH] = byteLength;
        chunk.write(frame, this.#used, byteLength, 'utf8');
        this.#used += byteLength;
        this.#bytes += byteLength;
        this.#size++;
    }
    oldestId() {
        return this.#size === 0 ? undefined : this.#meta[this.#at(0) + ID];
    }
    oldestExpiry() {
        return this.#size === 0 ? undefined : this.#meta[this.#at(0) + EXPIRES];
    }
    shift() {
        if (this.#size === 0)
            return undefined;
        const at = this.#at(0);
        const id = this.#meta[at + ID];
        this.#bytes -= this.#meta[at + LENGTH];
        this.#head = (this.#head + 1) % this.#capacity;
        this.#size--;
        if (this.#size === 0) {
            this.clear();
        }
        else {
            const keepFrom = this.#meta[this.#at(0) + CHUNK];
            while (this.#firstChunk < keepFrom) {
                this.#chunks.shift();
                this.#firstChunk++;
            }
        }
        return id;
    }
    clear() {
        this.#firstChunk += this.#chunks.length;
        this.#chunks = [];
        this.#used = 0;
        this.#head = 0;
        this.#size = 0;
        this.#bytes = 0;
        if (this.#capacity > KEEP_SLOTS)
            this.#meta = new Float64Array(INITIAL_SLOTS * FIELDS);
    }
    framesAfter(since, now) {
        const frames = [];
        for (let i = 0; i < this.#size; i++) {
            const at = this.#at(i);
            if (this.#meta[at + ID] > since && this.#meta[at + EXPIRES] > now)
                frames.push(this.#text(at));
        }
        return frames;
    }
    hasExpiredAfter(since, now) {
        for (let i = 0; i < this.#size; i++) {
            const at = this.#at(i);
            if (this.#meta[at + ID] > since && this.#meta[at + EXPIRES] <= now)
                return true;
        }
        return false;
    }
    entries() {
        return this.freeze().entries();
    }
    freeze() {
        return new FrozenFrames(this.#inOrder(this.#size), this.#chunks.slice(), this.#firstChunk);
    }
    get #capacity() {
        return this.#meta.length / FIELDS;
    }
    #at(i) {
        return ((this.#head + i) % this.#capacity) * FIELDS;
    }
    #text(at) {
        return textAt(this.#meta, at, this.#chunks, this.#firstChunk);
    }
    #resize(slots) {
        this.#meta = this.#inOrder(slots);
        this.#head = 0;
    }
    #inOrder(slots) {
        const meta = new Float64Array(slots * FIELDS);
        const start = this.#head * FIELDS;
        const end = start + this.#size * FIELDS;
        const wrap = this.#meta.length;
        meta.set(this.#meta.subarray(start, Math.min(end, wrap)));
        if (end > wrap)
            meta.set(this.#meta.subarray(0, end - wrap), wrap - start);
        return meta;
    }
}
export class FrozenFrames {
    #meta;
    #chunks;
    #firstChunk;
    constructor(meta, chunks, firstChunk) {
        this.#meta = meta;
        this.#chunks = chunks;
        this.#firstChunk = firstChunk;
    }
    entries() {
        const out = [];
        for (let at = 0; at < this.#meta.length; at += FIELDS) {
            out.push([this.#meta[at + ID], this.#meta[at + EXPIRES], textAt(this.#meta, at, this.#chunks, this.#firstChunk)]);
        }
        return out;
    }
}
function textAt(meta, at, chunks, firstChunk) {
    const chunk = chunks[meta[at + CHUNK] - firstChunk];
    const start = meta[at + OFFSET];
    return chunk.toString('utf8', start, start + meta[at + LENGTH]);
}
