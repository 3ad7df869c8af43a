/**
 * The frames a connection queued during one event-loop turn, gathered for
 * its one socket write (uWebSockets calls this the cork buffer).
 *
 * `Buffer.concat` would allocate a buffer per write, and above 4 KiB a new
 * ArrayBuffer each time: memory outside V8's heap that its collector still
 * counts. Fan-out writes to every member of a topic each turn, so instead
 * every connection copies into one shared buffer, used again as soon as the
 * socket has handed the bytes to the kernel. A write that did not complete
 * at once keeps the shared buffer (the socket still needs those bytes), and
 * the next write takes a new one.
 */
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** More than one turn's early-flush size (connection.ts) plus a large frame. */
const SHARED_BYTES = 128 * 1024;

let shared: Buffer | undefined;

/**
 * Whether the shared buffer may be used for `socket`: a plain TCP socket
 * (libuv copies to the kernel, or keeps the buffer with the write request
 * when it cannot). A TLS socket or any other stream gets buffers of its own,
 * since it may keep a reference to what it was given.
 */
export function sharesGather(socket: Duplex): boolean {
  return socket instanceof Socket && (socket as Socket & { encrypted?: boolean }).encrypted !== true;
}

/**
 * `frames` in one buffer for one write to `socket`: a view of the shared
 * buffer when the socket may use it and they fit, else a new buffer.
 */
export function gatherFrames(socket: Duplex, frames: readonly Buffer[], totalBytes: number): Buffer {
  if (totalBytes > SHARED_BYTES || !sharesGather(socket)) return Buffer.concat(frames, totalBytes);
  const buffer = (shared ??= Buffer.allocUnsafeSlow(SHARED_BYTES));
  let offset = 0;
  for (const frame of frames) {
    buffer.set(frame, offset);
    offset += frame.length;
  }
  return buffer.subarray(0, totalBytes);
}

/**
 * Call right after `socket.write(data)`. Bytes the socket has not handed to
 * the kernel yet (`writableLength`) are still read from `data`: if that is
 * the shared buffer, it now belongs to the socket.
 */
export function afterWrite(socket: Duplex, data: Buffer): void {
  if (shared !== undefined && data.buffer === shared.buffer && socket.writableLength > 0) shared = undefined;
}
