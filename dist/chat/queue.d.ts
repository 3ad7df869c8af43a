/**
 * A FIFO queue backed by an array and a head index.
 *
 * `Array.prototype.shift` is O(n); here shift is O(1) and the array is
 * compacted only once the consumed prefix is at least half of it, so the
 * amortised cost per element stays constant and memory stays bounded.
 */
export declare class Queue<T> {
    #private;
    get size(): number;
    push(item: T): void;
    /** The oldest item, or undefined when empty. */
    peek(): T | undefined;
    /** Removes and returns the oldest item, or undefined when empty. */
    shift(): T | undefined;
    clear(): void;
    /** Oldest first. */
    [Symbol.iterator](): IterableIterator<T>;
    /** Oldest first; cheaper than the iterator on hot paths. */
    forEach(fn: (item: T) => void): void;
}
