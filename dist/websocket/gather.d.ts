import type { Duplex } from 'node:stream';
/**
 * Whether the shared buffer may be used for `socket`: a plain TCP socket
 * (libuv copies to the kernel, or keeps the buffer with the write request
 * when it cannot). A TLS socket or any other stream gets buffers of its own,
 * since it may keep a reference to what it was given.
 */
export declare function sharesGather(socket: Duplex): boolean;
/**
 * `frames` in one buffer for one write to `socket`: a view of the shared
 * buffer when the socket may use it and they fit, else a new buffer.
 */
export declare function gatherFrames(socket: Duplex, frames: readonly Buffer[], totalBytes: number): Buffer;
/**
 * Call right after `socket.write(data)`. Bytes the socket has not handed to
 * the kernel yet (`writableLength`) are still read from `data`: if that is
 * the shared buffer, it now belongs to the socket.
 */
export declare function afterWrite(socket: Duplex, data: Buffer): void;
