/**
 * A raw WebSocket peer over node:net for the abuse tests: the handshake by
 * hand, masked text frames out, the server's frames parsed from the byte
 * stream. It can stop reading (a slow consumer no client library would
 * imitate) and send text that a JSON encoder would never produce.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import type { Frame } from '../helpers/chat-client.ts';

export interface RawWsPeer {
  socket: net.Socket;
  /** Text frames received so far, parsed. */
  readonly texts: Frame[];
  /** The close frame's code, once one arrived. */
  closeCode(): number | undefined;
  /** Resolves when the TCP connection is gone. */
  ended: Promise<void>;
  sendText(text: string): void;
  /** Resolves with the next unread text frame of `type`. */
  next(type: string, timeoutMs?: number): Promise<Frame>;
}

/** A masked client frame (RFC 6455 §5.2, §5.3). */
export function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const extra = payload.length < 126 ? 0 : payload.length < 65536 ? 2 : 8;
  const header = Buffer.alloc(2 + extra + 4);
  header[0] = 0x81;
  if (extra === 0) header[1] = 0x80 | payload.length;
  else if (extra === 2) {
    header[1] = 0x80 | 126;
    header.writeUInt16BE(payload.length, 2);
  } else {
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  const key = randomBytes(4);
  key.copy(header, 2 + extra);
  for (let i = 0; i < payload.length; i++) payload[i] = payload[i]! ^ key[i & 3]!;
  return Buffer.concat([header, payload]);
}

export function openRawWsPeer(port: number): Promise<RawWsPeer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const texts: Frame[] = [];
    let closeCode: number | undefined;
    let buffer: Buffer = Buffer.alloc(0);
    let upgraded = false;
    let read = 0;
    let wake: (() => void) | undefined;
    let gone = false;
    const ended = new Promise<void>((done) =>
      socket.once('close', () => {
        gone = true;
        wake?.();
        done();
      }),
    );
    socket.on('error', () => {});
    socket.once('error', reject);

    const parseFrames = (): void => {
      for (;;) {
        if (buffer.length < 2) return;
        let length = buffer[1]! & 0x7f;
        let at = 2;
        if (length === 126) {
          if (buffer.length < 4) return;
          length = buffer.readUInt16BE(2);
          at = 4;
        } else if (length === 127) {
          if (buffer.length < 10) return;
          length = Number(buffer.readBigUInt64BE(2));
          at = 10;
        }
        if (buffer.length < at + length) return;
        const opcode = buffer[0]! & 0x0f;
        const payload = buffer.subarray(at, at + length);
        if (opcode === 0x1) texts.push(JSON.parse(payload.toString('utf8')) as Frame);
        if (opcode === 0x8 && payload.length >= 2) closeCode = payload.readUInt16BE(0);
        buffer = buffer.subarray(at + length);
      }
    };
    socket.on('data', (chunk: Buffer) => {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      if (!upgraded) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end === -1) return;
        const status = buffer.subarray(0, buffer.indexOf('\r\n')).toString('latin1');
        if (!status.startsWith('HTTP/1.1 101 ')) {
          reject(new Error(`raw handshake got ${status}`));
          socket.destroy();
          return;
        }
        upgraded = true;
        buffer = buffer.subarray(end + 4);
        resolve(peer);
      }
      parseFrames();
      wake?.();
    });
    socket.once('connect', () => {
      socket.write(
        `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });

    const peer: RawWsPeer = {
      socket,
      texts,
      closeCode: () => closeCode,
      ended,
      sendText: (text) => socket.write(maskedTextFrame(text)),
      async next(type, timeoutMs = 5000) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          while (read < texts.length) {
            const frame = texts[read++]!;
            if (frame.type === type) return frame;
          }
          const left = deadline - Date.now();
          if (left <= 0 || gone) throw new Error(`raw peer: no ${type} within ${timeoutMs} ms (connection ${gone ? 'gone' : 'open'})`);
          await new Promise<void>((done) => {
            const timer = setTimeout(done, left);
            wake = () => {
              clearTimeout(timer);
              done();
            };
          });
        }
      },
    };
  });
}
