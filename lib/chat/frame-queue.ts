/**
 * A first-in, first-out queue of stored frames that keeps almost nothing
 * on the JavaScript heap: each frame's UTF-8 bytes go into byte chunks
 * (Buffers, whose memory is outside the heap) and its id, expiry and place
 * go into one Float64Array. Pushing a frame allocates no object (a new chunk
 * now and then).
 *
 * Why: a busy topic stores a message every few hundred microseconds and
 * keeps each one well past two young-generation collections, so as strings
 * and records they would all be promoted to the old generation and die
 * there, and V8 would mark the whole heap again and again to reclaim them.
 * As bytes they cost the garbage collector nothing.
 *
 * A frame never spans chunks. Chunks grow with what the queue holds (small
 * for a quiet topic, up to MAX_CHUNK for a busy one) and are released as
 * soon as their last frame is gone.
 */

const MIN_CHUNK = 512;
const MAX_CHUNK = 64 * 1024;
const INITIAL_SLOTS = 8;
/** A ring that grew past this is given back when the queue empties (a burst is over). */
const KEEP_SLOTS = 64;

// The fields of one slot in the metadata ring (all exact in a double).
const ID = 0;
const EXPIRES = 1;
/** The serial number of the chunk holding the frame. */
const CHUNK = 2;
const OFFSET = 3;
const LENGTH = 4;
const FIELDS = 5;

export class FrameQueue {
  /** Metadata ring, FIELDS numbers per slot: slot (head + i) % capacity holds the i-th oldest frame. */
  #meta = new Float64Array(INITIAL_SLOTS * FIELDS);
  #head = 0;
  #size = 0;
  /** UTF-8 bytes of the frames held. */
  #bytes = 0;

  /** Chunks in order; the first has serial number #firstChunk. */
  #chunks: Buffer[] = [];
  #firstChunk = 0;
  /** Bytes used in the last chunk. */
  #used = 0;

  get size(): number {
    return this.#size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Appends a frame whose UTF-8 size is `byteLength`. */
  push(id: number, expiresAt: number, frame: string, byteLength: number): void {
    if (this.#size === this.#capacity) this.#resize(this.#capacity * 2);
    let chunk = this.#chunks[this.#chunks.length - 1];
    if (chunk === undefined || chunk.length - this.#used < byteLength) {
      // Big enough for this frame, and for about as much as the queue already holds.
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

  /** The oldest frame's id, or undefined when empty. */
  oldestId(): number | undefined {
    return this.#size === 0 ? undefined : this.#meta[this.#at(0) + ID];
  }

  /** The oldest frame's expiry, or undefined when empty. */
  oldestExpiry(): number | undefined {
    return this.#size === 0 ? undefined : this.#meta[this.#at(0) + EXPIRES];
  }

  /** Drops the oldest frame; returns its id (undefined when empty). */
  shift(): number | undefined {
    if (this.#size === 0) return undefined;
    const at = this.#at(0);
    const id = this.#meta[at + ID]!;
    this.#bytes -= this.#meta[at + LENGTH]!;
    this.#head = (this.#head + 1) % this.#capacity;
    this.#size--;
    if (this.#size === 0) {
      this.clear();
    } else {
      // Release the chunks before the one the new oldest frame is in.
      const keepFrom = this.#meta[this.#at(0) + CHUNK]!;
      while (this.#firstChunk < keepFrom) {
        this.#chunks.shift();
        this.#firstChunk++;
      }
    }
    return id;
  }

  clear(): void {
    this.#firstChunk += this.#chunks.length;
    this.#chunks = [];
    this.#used = 0;
    this.#head = 0;
    this.#size = 0;
    this.#bytes = 0;
    if (this.#capacity > KEEP_SLOTS) this.#meta = new Float64Array(INITIAL_SLOTS * FIELDS);
  }

  /** The frames with an id above `since` that expire after `now`, oldest first. */
  framesAfter(since: number, now: number): string[] {
    const frames: string[] = [];
    for (let i = 0; i < this.#size; i++) {
      const at = this.#at(i);
      if (this.#meta[at + ID]! > since && this.#meta[at + EXPIRES]! > now) frames.push(this.#text(at));
    }
    return frames;
  }

  /** Whether a frame with an id above `since` is past its time at `now` (still held, not yet expired). */
  hasExpiredAfter(since: number, now: number): boolean {
    for (let i = 0; i < this.#size; i++) {
      const at = this.#at(i);
      if (this.#meta[at + ID]! > since && this.#meta[at + EXPIRES]! <= now) return true;
    }
    return false;
  }

  /** Every frame with its id and expiry, oldest first (for a snapshot). */
  entries(): [id: number, expiresAt: number, frame: string][] {
    return this.freeze().entries();
  }

  /**
   * The frames held now, readable later: a copy of the metadata (small) and
   * the chunks themselves, which are never written again where a frame
   * already is. What the queue does afterwards does not change the view.
   */
  freeze(): FrozenFrames {
    return new FrozenFrames(this.#inOrder(this.#size), this.#chunks.slice(), this.#firstChunk);
  }

  get #capacity(): number {
    return this.#meta.length / FIELDS;
  }

  /** Where the i-th oldest frame's fields start in #meta. */
  #at(i: number): number {
    return ((this.#head + i) % this.#capacity) * FIELDS;
  }

  #text(at: number): string {
    return textAt(this.#meta, at, this.#chunks, this.#firstChunk);
  }

  /** Moves the ring into one of `slots` slots, oldest frame first. */
  #resize(slots: number): void {
    this.#meta = this.#inOrder(slots);
    this.#head = 0;
  }

  /** The metadata of the frames held, oldest first, in a new ring of `slots` slots (the ring is at most two runs). */
  #inOrder(slots: number): Float64Array<ArrayBuffer> {
    const meta = new Float64Array(slots * FIELDS);
    const start = this.#head * FIELDS;
    const end = start + this.#size * FIELDS;
    const wrap = this.#meta.length;
    meta.set(this.#meta.subarray(start, Math.min(end, wrap)));
    if (end > wrap) meta.set(this.#meta.subarray(0, end - wrap), wrap - start);
    return meta;
  }
}

/** A queue's frames as they were when frozen (FrameQueue.freeze), oldest first. */
export class FrozenFrames {
  readonly #meta: Float64Array;
  readonly #chunks: readonly Buffer[];
  readonly #firstChunk: number;

  constructor(meta: Float64Array, chunks: readonly Buffer[], firstChunk: number) {
    this.#meta = meta;
    this.#chunks = chunks;
    this.#firstChunk = firstChunk;
  }

  entries(): [id: number, expiresAt: number, frame: string][] {
    const out: [number, number, string][] = [];
    for (let at = 0; at < this.#meta.length; at += FIELDS) {
      out.push([this.#meta[at + ID]!, this.#meta[at + EXPIRES]!, textAt(this.#meta, at, this.#chunks, this.#firstChunk)]);
    }
    return out;
  }
}

function textAt(meta: Float64Array, at: number, chunks: readonly Buffer[], firstChunk: number): string {
  const chunk = chunks[meta[at + CHUNK]! - firstChunk]!;
  const start = meta[at + OFFSET]!;
  return chunk.toString('utf8', start, start + meta[at + LENGTH]!);
}
