import { Socket } from 'node:net';
const SHARED_BYTES = 128 * 1024;
let shared;
export function sharesGather(socket) {
    return socket instanceof Socket && socket.encrypted !== true;
}
export function gatherFrames(socket, frames, totalBytes) {
    if (totalBytes > SHARED_BYTES || !sharesGather(socket))
        return Buffer.concat(frames, totalBytes);
    const buffer = (shared ??= Buffer.allocUnsafeSlow(SHARED_BYTES));
    let offset = 0;
    for (const frame of frames) {
        buffer.set(frame, offset);
        offset += frame.length;
    }
    return buffer.subarray(0, totalBytes);
}
export function afterWrite(socket, data) {
    if (shared !== undefined && data.buffer === shared.buffer && socket.writableLength > 0)
        shared = undefined;
}
