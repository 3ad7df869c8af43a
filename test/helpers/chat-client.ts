/**
 * A test client for the chat server: wraps a WebSocket connection (ours or
 * `ws`) and lets a test await the next frame of a given type.
 */
import WebSocket from 'ws';
import { connect } from '../../lib/websocket/client.ts';
import type { WebSocketConnection } from '../../lib/websocket/connection.ts';

export type Frame = { type: string; [key: string]: unknown };

export interface ChatTestClient {
  frames: Frame[];
  send(data: string | object): void;
  sendBinary(data: Buffer): void;
  /** Resolves with the next unread frame of `type` (any type if omitted). */
  next(type?: string, timeoutMs?: number): Promise<Frame>;
  /** Resolves with the close code and reason. */
  closed: Promise<{ code: number; reason: string }>;
  close(code?: number): void;
  /** Drops the TCP connection without a close frame. */
  destroy(): void;
}

function makeClient(
  sendText: (text: string) => void,
  sendBinary: (data: Buffer) => void,
  close: (code?: number) => void,
  destroy: () => void,
): { client: ChatTestClient; onText: (text: string) => void; onClose: (code: number, reason: string) => void } {
  const frames: Frame[] = [];
  let read = 0;
  let waiter: (() => void) | undefined;
  let resolveClosed!: (value: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (resolveClosed = resolve));
  const client: ChatTestClient = {
    frames,
    send: (data) => sendText(typeof data === 'string' ? data : JSON.stringify(data)),
    sendBinary,
    async next(type, timeoutMs = 3000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        while (read < frames.length) {
          const frame = frames[read++]!;
          if (type === undefined || frame.type === type) return frame;
        }
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no ${type ?? 'frame'} within ${timeoutMs} ms; got ${JSON.stringify(frames.slice(-5))}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiter = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    },
    closed,
    close,
    destroy,
  };
  return {
    client,
    onText(text) {
      frames.push(JSON.parse(text) as Frame);
      waiter?.();
    },
    onClose(code, reason) {
      resolveClosed({ code, reason });
      waiter?.();
    },
  };
}

/** A client on our own WebSocket implementation. */
export async function ourClient(url: string): Promise<ChatTestClient> {
  const connection: WebSocketConnection = await connect(url);
  const { client, onText, onClose } = makeClient(
    (text) => connection.send(text),
    (data) => connection.send(data),
    (code) => connection.close(code ?? 1000),
    () => connection.terminate(),
  );
  connection.on('message', (data, isBinary) => {
    if (!isBinary) onText(data as string);
  });
  connection.on('close', onClose);
  return client;
}

/** A client on the `ws` package, to show interoperability. */
export async function wsClient(url: string, origin?: string): Promise<ChatTestClient> {
  const socket = new WebSocket(url, origin ? { origin } : {});
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const { client, onText, onClose } = makeClient(
    (text) => socket.send(text),
    (data) => socket.send(data),
    (code) => socket.close(code ?? 1000),
    () => socket.terminate(),
  );
  socket.on('message', (data, isBinary) => {
    if (!isBinary) onText(data.toString());
  });
  socket.on('close', (code, reason) => onClose(code, reason.toString()));
  socket.on('error', () => {});
  return client;
}

/** Joins and returns the welcome frame. */
export async function join(client: ChatTestClient, username: string, topic: string): Promise<Frame> {
  client.send({ username, topic });
  return client.next('welcome');
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
