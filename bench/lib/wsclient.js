// A minimal WebSocket client on node:net for load generation: one handshake
// with a fixed key, masked text frames out, unfragmented server frames in.
// Incoming text frames are handed over as (buffer, start, end) byte ranges,
// so a receiver that only counts or peeks at a field never builds a string.
// With `deflate: true` it offers permessage-deflate (RFC 7692) and, if the
// server accepts, hands compressed frames (RSV1) to `onCompressed` when set
// (a receiver that only counts need not pay for inflating), else inflates
// them (§7.2.2) and hands the result to `onText`. It never compresses what it
// sends (always allowed, §6).
import net from 'node:net';
import { randomFillSync } from 'node:crypto';
import { constants, inflateRawSync } from 'node:zlib';

const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const maskPool = Buffer.allocUnsafe(16384);
let maskAt = maskPool.length;

/** A masked text frame (RFC 6455 §5.2/5.3) with a key from a CSPRNG-filled pool. */
export function encodeText(text) {
  const len = Buffer.byteLength(text);
  const h = len < 126 ? 2 : len < 65536 ? 4 : 10;
  const out = Buffer.allocUnsafe(h + 4 + len);
  out[0] = 0x81;
  if (h === 2) out[1] = 0x80 | len;
  else if (h === 4) {
    out[1] = 0x80 | 126;
    out.writeUInt16BE(len, 2);
  } else {
    out[1] = 0x80 | 127;
    out.writeUInt32BE(0, 2);
    out.writeUInt32BE(len, 6);
  }
  if (maskAt === maskPool.length) {
    randomFillSync(maskPool);
    maskAt = 0;
  }
  const k0 = maskPool[maskAt], k1 = maskPool[maskAt + 1], k2 = maskPool[maskAt + 2], k3 = maskPool[maskAt + 3];
  maskAt += 4;
  out[h] = k0; out[h + 1] = k1; out[h + 2] = k2; out[h + 3] = k3;
  const p = h + 4;
  out.write(text, p, len, 'utf8');
  for (let i = 0; i < len; i += 4) {
    out[p + i] ^= k0;
    if (i + 1 < len) out[p + i + 1] ^= k1;
    if (i + 2 < len) out[p + i + 2] ^= k2;
    if (i + 3 < len) out[p + i + 3] ^= k3;
  }
  return out;
}

/** Every socket this thread opened and that has not emitted 'close' yet. */
export const openSockets = new Set();

// §7.1.2.2: a client may always say it can take any window the server picks.
const DEFLATE_OFFER = 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n';
const DEFLATE_TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);

/**
 * Inflates one compressed message payload (RFC 7692 §7.2.2: append 00 00 ff ff,
 * then inflate raw). `window`: what the server compressed before, when it
 * keeps its context across messages (§7.1.1.1), given to zlib as the dictionary.
 */
export function inflateFrame(buf, start, end, window) {
  const input = Buffer.concat([buf.subarray(start, end), DEFLATE_TAIL]);
  return inflateRawSync(input, { finishFlush: constants.Z_SYNC_FLUSH, ...(window ? { dictionary: window } : {}) });
}
const WINDOW = 32768;

const CLOSE_1000 = Buffer.from([0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe8]);
const PONG_EMPTY = Buffer.from([0x8a, 0x80, 0, 0, 0, 0]);

export class RawClient {
  /** Called after each incoming chunk has been parsed (for batched counters). */
  static afterChunk = null;

  constructor(socket) {
    this.socket = socket;
    this.rest = null;
    this.onText = null; // (buf, start, end) => void
    this.onCompressed = null; // (buf, start, end) => void, for RSV1 frames; unset: inflate and call onText
    this.deflate = false; // the server accepted permessage-deflate
    this.takeover = false; // ... and keeps its compression context: every message is inflated, in order
    this.window = undefined; // the last 32 KiB inflated, with takeover
    this.bytesIn = 0; // bytes read from the socket after the handshake response's head
    this.frameBytes = 0; // wire size of the frame being handed over (header + payload)
    this.onClosed = null; // () => void, once the TCP connection is gone
    this.closeSent = false;
    this.gone = false;
    this.user = null; // free for the caller
  }

  /** Opens a TCP connection and performs the opening handshake. */
  static connect({ host = '127.0.0.1', port, path = '/ws', localAddress, timeoutMs = 10000, deflate = false }) {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port, localAddress });
      openSockets.add(socket);
      socket.once('close', () => openSockets.delete(socket));
      socket.setNoDelay(true);
      let head = null;
      let settled = false;
      const fail = (error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        reject(error);
      };
      const timer = setTimeout(() => fail(new Error('handshake timed out')), timeoutMs);
      socket.once('connect', () => {
        socket.write(
          `GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n${deflate ? DEFLATE_OFFER : ''}\r\n`,
        );
      });
      socket.on('error', fail);
      const onHandshakeData = (chunk) => {
        head = head ? Buffer.concat([head, chunk]) : chunk;
        const endOfHead = head.indexOf('\r\n\r\n');
        if (endOfHead === -1) {
          if (head.length > 8192) fail(new Error('handshake response too long'));
          return;
        }
        if (head.toString('latin1', 0, 12) !== 'HTTP/1.1 101') {
          fail(new Error(`handshake refused: ${head.toString('latin1', 0, Math.min(endOfHead, 80))}`));
          return;
        }
        settled = true;
        clearTimeout(timer);
        socket.off('data', onHandshakeData);
        socket.off('error', fail);
        const client = new RawClient(socket);
        const extensions = /^sec-websocket-extensions:[ \t]*(permessage-deflate[^\r]*)/im.exec(head.toString('latin1', 0, endOfHead));
        client.deflate = extensions !== null;
        // Without server_no_context_takeover every compressed message may refer back to the ones before.
        client.takeover = client.deflate && !/server_no_context_takeover/i.test(extensions[1]);
        socket.on('data', (c) => client.onData(c));
        socket.on('error', () => socket.destroy());
        socket.on('close', () => {
          client.gone = true;
          client.onClosed?.();
        });
        resolve(client);
        const leftover = head.subarray(endOfHead + 4);
        if (leftover.length > 0) client.onData(leftover);
      };
      socket.on('data', onHandshakeData);
    });
  }

  send(text) {
    if (!this.gone && !this.closeSent) this.socket.write(encodeText(text));
  }

  sendFrame(frame) {
    if (!this.gone && !this.closeSent) this.socket.write(frame);
  }

  /** Starts the closing handshake; the server answers and closes TCP. */
  close() {
    if (this.gone || this.closeSent) return;
    this.closeSent = true;
    this.socket.write(CLOSE_1000);
  }

  destroy() {
    this.socket.destroy();
  }

  /**
   * Drops the connection with a TCP RST (no TIME_WAIT on this side). After
   * end() libuv refuses the reset (uv_tcp_close_reset fails once a shutdown is
   * pending) and the handle would never close, which makes worker.terminate()
   * spin forever in Node 20: such sockets are destroyed normally.
   */
  reset() {
    this.gone = true;
    const socket = this.socket;
    if (socket.destroyed) return;
    if (typeof socket.resetAndDestroy === 'function' && !socket.writableEnded && !socket.connecting) socket.resetAndDestroy();
    else socket.destroy();
  }

  onData(chunk) {
    this.bytesIn += chunk.length;
    let buf = chunk;
    if (this.rest !== null) {
      buf = Buffer.concat([this.rest, chunk]);
      this.rest = null;
    }
    let pos = 0;
    const end = buf.length;
    while (end - pos >= 2) {
      const b0 = buf[pos];
      let len = buf[pos + 1] & 0x7f;
      let h = 2;
      if (len === 126) {
        if (end - pos < 4) break;
        len = (buf[pos + 2] << 8) | buf[pos + 3];
        h = 4;
      } else if (len === 127) {
        if (end - pos < 10) break;
        len = buf.readUInt32BE(pos + 2) * 0x100000000 + buf.readUInt32BE(pos + 6);
        h = 10;
      }
      if (end - pos - h < len) break;
      const start = pos + h;
      this.frameBytes = h + len; // the whole frame on the wire, for whoever is handed it
      pos = start + len;
      const opcode = b0 & 0x0f;
      if (opcode === 1 && (b0 & 0x40) !== 0 && this.takeover) {
        const text = inflateFrame(buf, start, pos, this.window);
        const keep = this.window === undefined ? text : Buffer.concat([this.window, text]);
        this.window = Buffer.from(keep.subarray(Math.max(0, keep.length - WINDOW)));
        (this.onText ?? this.onCompressed)?.(text, 0, text.length);
      } else if (opcode === 1 && (b0 & 0x40) !== 0) {
        if (this.onCompressed !== null) this.onCompressed(buf, start, pos);
        else if (this.onText !== null) {
          const text = inflateFrame(buf, start, pos);
          this.onText(text, 0, text.length);
        }
      } else if (opcode === 1) this.onText?.(buf, start, pos);
      else if (opcode === 8) {
        // The server's Close (or its answer to ours): answer if needed and end.
        if (!this.closeSent) {
          this.closeSent = true;
          this.socket.write(CLOSE_1000);
        }
        this.socket.end();
        return;
      } else if (opcode === 9) this.socket.write(PONG_EMPTY);
    }
    if (pos < end) this.rest = buf.subarray(pos);
    RawClient.afterChunk?.();
  }
}

/** The text of a frame range, for the rare frames that need parsing. */
export const textOf = (buf, start, end) => buf.toString('utf8', start, end);
