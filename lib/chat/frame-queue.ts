/**
 * A first-in, first-out queue of stored frames that keeps almost nothing
 * on the JavaScript heap: each frame's UTF-8 bytes go into byte chunks
 * (Buffers, whose memory is outside the heap) and its id, expiry and place
 * go into typed arrays. Pushing a frame allocates no object.
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

export class FrameQueue {
  // Metadata ring: slot (head + i) % capacity holds the i-th oldest frame.
  #ids = new Float64Array(INITIAL_SLOTS);
  #expires = new Float64Array(INITIAL_SLOTS);
  /** The serial number of the chunk holding the frame. */
  #chunkOf = new Float64Array(INITIAL_SLOTS);
  #offsets = new Uint32Array(INITIAL_SLOTS);
  #lengths = new Uint32Array(INITIAL_SLOTS);
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
    if (this.#size === this.#ids.length) this.#grow();
    let chunk = this.#chunks[this.#chunks.length - 1];
    if (chunk === undefined || chunk.length - this.#used < byteLength) {
      // Big enough for this frame, and for about as much as the queue already holds.
      const size = Math.max(byteLength, Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, this.#bytes)));
      chunk = Buffer.allocUnsafeSlow(size);
      this.#chunks.push(chunk);
      this.#used = 0;
    }
    const slot = (this.#head + this.#size) % this.#ids.length;
    this.#ids[slot] = id;
    this.#expires[slot] = expiresAt;
    this.#chunkOf[slot] = this.#firstChunk + this.#chunks.length - 1;
    this.#offsets[slot] = this.#used;
    this.#lengths[slot] = byteLength;
    chunk.write(frame, this.#used, byteLength, 'utf8');
    this.#used += byteLength;
    this.#bytes += byteLength;
    this.#size++;
  }

  /** The oldest frame's id, or undefined when empty. */
  oldestId(): number | undefined {
    return this.#size === 0 ? undefined : this.#ids[this.#head];
  }

  /** The oldest frame's expiry, or undefined when empty. */
  oldestExpiry(): number | undefined {
    return this.#size === 0 ? undefined : this.#expires[this.#head];
  }

  /** Drops the oldest frame; returns its id (undefined when empty). */
  shift(): number | undefined {
    if (this.#size === 0) return undefined;
    const slot = this.#head;
    const id = this.#ids[slot]!;
    this.#bytes -= this.#lengths[slot]!;
    this.#head = (slot + 1) % this.#ids.length;
    this.#size--;
    if (this.#size === 0) {
      this.clear();
    } else {
      // Release the chunks before the one the new oldest frame is in.
      const keepFrom = this.#chunkOf[this.#head]!;
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
  }

  /** The frames with an id above `since` that expire after `now`, oldest first. */
  framesAfter(since: number, now: number): string[] {
    const frames: string[] = [];
    const capacity = this.#ids.length;
    for (let i = 0; i < this.#size; i++) {
      const slot = (this.#head + i) % capacity;
      if (this.#ids[slot]! > since && this.#expires[slot]! > now) frames.push(this.#text(slot));
    }
    return frames;
  }

  /** Whether a frame with an id above `since` is past its time at `now` (still held, not yet expired). */
  hasExpiredAfter(since: number, now: number): boolean {
    const capacity = this.#ids.length;
    for (let i = 0; i < this.#size; i++) {
      const slot = (this.#head + i) % capacity;
      if (this.#ids[slot]! > since && this.#expires[slot]! <= now) return true;
    }
    return false;
  }

  /** Every frame with its id and expiry, oldest first (for a snapshot). */
  entries(): [id: number, expiresAt: number, frame: string][] {
    const out: [number, number, string][] = [];
    const capacity = this.#ids.length;
    for (let i = 0; i < this.#size; i++) {
      const slot = (this.#head + i) % capacity;
      out.push([this.#ids[slot]!, this.#expires[slot]!, this.#text(slot)]);
    }
    return out;
  }

  #text(slot: number): string {
    const chunk = this.#chunks[this.#chunkOf[slot]! - this.#firstChunk]!;
    const start = this.#offsets[slot]!;
    return chunk.toString('utf8', start, start + this.#lengths[slot]!);
  }

  /** Doubles the metadata ring, oldest frame first. */
  #grow(): void {
    const capacity = this.#ids.length;
    const order = (from: Float64Array | Uint32Array, to: Float64Array | Uint32Array): void => {
      for (let i = 0; i < this.#size; i++) to[i] = from[(this.#head + i) % capacity]!;
    };
    const ids = new Float64Array(capacity * 2);
    const expires = new Float64Array(capacity * 2);
    const chunkOf = new Float64Array(capacity * 2);
    const offsets = new Uint32Array(capacity * 2);
    const lengths = new Uint32Array(capacity * 2);
    order(this.#ids, ids);
    order(this.#expires, expires);
    order(this.#chunkOf, chunkOf);
    order(this.#offsets, offsets);
    order(this.#lengths, lengths);
    this.#ids = ids;
    this.#expires = expires;
    this.#chunkOf = chunkOf;
    this.#offsets = offsets;
    this.#lengths = lengths;
    this.#head = 0;
  }
}
