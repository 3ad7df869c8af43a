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
export declare class FrameQueue {
    #private;
    get size(): number;
    get bytes(): number;
    /** Appends a frame whose UTF-8 size is `byteLength`. */
    push(id: number, expiresAt: number, frame: string, byteLength: number): void;
    /** The oldest frame's id, or undefined when empty. */
    oldestId(): number | undefined;
    /** The oldest frame's expiry, or undefined when empty. */
    oldestExpiry(): number | undefined;
    /** Drops the oldest frame; returns its id (undefined when empty). */
    shift(): number | undefined;
    clear(): void;
    /** The frames with an id above `since` that expire after `now`, oldest first. */
    framesAfter(since: number, now: number): string[];
    /** Whether a frame with an id above `since` is past its time at `now` (still held, not yet expired). */
    hasExpiredAfter(since: number, now: number): boolean;
    /** Every frame with its id and expiry, oldest first (for a snapshot). */
    entries(): [id: number, expiresAt: number, frame: string][];
    /**
     * The frames held now, readable later: a copy of the metadata (small) and
     * the chunks themselves, which are never written again where a frame
     * already is. What the queue does afterwards does not change the view.
     */
    freeze(): FrozenFrames;
}
/** A queue's frames as they were when frozen (FrameQueue.freeze), oldest first. */
export declare class FrozenFrames {
    #private;
    constructor(meta: Float64Array, chunks: readonly Buffer[], firstChunk: number);
    entries(): [id: number, expiresAt: number, frame: string][];
}
