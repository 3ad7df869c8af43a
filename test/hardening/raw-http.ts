/** Raw HTTP over real sockets, from a chosen local address (all of 127/8 is loopback on Linux). */
import net from 'node:net';

export interface RawSocket {
  socket: net.Socket;
  /** Everything received so far. */
  received(): string;
  /** Resolves with everything received once the server closes the connection. */
  closed: Promise<string>;
}

export function openRaw(port: number, localAddress = '127.0.0.1'): Promise<RawSocket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port, localAddress });
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (text += chunk));
    // The server may close while we still write: a reset is an answer too.
    socket.on('error', () => {});
    const closed = new Promise<string>((done) => socket.once('close', () => done(text)));
    socket.once('connect', () => resolve({ socket, received: () => text, closed }));
    socket.once('error', reject);
  });
}

/** One request on its own connection (`Connection: close`); resolves with the whole response. */
export async function rawRequest(port: number, head: string, localAddress = '127.0.0.1'): Promise<string> {
  const raw = await openRaw(port, localAddress);
  raw.socket.write(head);
  return raw.closed;
}

export function statusOf(response: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0);
}
