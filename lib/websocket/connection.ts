/**
 * One WebSocket connection: binds the sans-I/O protocol core (protocol.ts:
 * state, frames, the closing handshake) to a socket. It owns only what needs
 * I/O: writing (batched per event-loop turn), backpressure limits, closing
 * the socket when the protocol says so, the close timeout, and heartbeat
 * state. Server and client connections are the same class.
 */
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { CloseCode } from './close-codes.ts';
import type { WebSocketError } from './errors.ts';
import { afterWrite, gatherFrames } from './gather.ts';
import type { NegotiatedDeflate } from './permessage-deflate.ts';
import type { PreparedMessage } from './prepared.ts';
import { ReadyState, WebSocketProtocol, type ProtocolHandler, type SendOptions } from './protocol.ts';

export { ReadyState, type SendOptions } from './protocol.ts';

export interface ConnectionOptions {
  role: 'server' | 'client';
  /** Largest incoming message in bytes (1009 beyond it). Default 16 MiB. */
  maxMessageSize?: number;
  /** Most fragments in one incoming message (1009 beyond it). Default 100,000. */
  maxFragments?: number;
  /** How long to wait for the peer's part of the closing handshake. Default 5 s. */
  closeTimeoutMs?: number;
  /**
   * Slow-consumer cap: a frame is refused (and the connection dropped with
   * 1013) when the bytes already buffered before it exceed this; the frame
   * itself does not count, so one large frame to an idle peer always goes.
   * 0 = no cap.
   */
  maxBufferedAmount?: number;
  /** permessage-deflate as negotiated in the handshake, if it was. */
  deflate?: NegotiatedDeflate | undefined;
  /** The subprotocol agreed in the handshake, if any. */
  protocol?: string | undefined;
  remoteAddress?: string | undefined;
  /** Called once when the connection is over, before its 'close' event (for the owner's bookkeeping). */
  onClosed?: ((connection: WebSocketConnection) => void) | undefined;
}

const OWNER = Symbol('wschat.connection');
type OwnedSocket = Duplex & { [OWNER]: WebSocketConnection };

function onSocketData(this: OwnedSocket, chunk: Buffer): void {
  this[OWNER].onData(chunk);
}
function onSocketError(this: OwnedSocket, error: Error): void {
  this[OWNER].onSocketError(error);
}
function onSocketClose(this: OwnedSocket): void {
  this[OWNER].onSocketClose();
}
/** A peer that half-closes without a Close frame is gone (§7.1.5: 1006). */
function onSocketEnd(this: OwnedSocket): void {
  if (!this.writableEnded) this.end();
}

export interface ConnectionEvents {
  message: [data: string | Buffer, isBinary: boolean];
  ping: [payload: Buffer];
  pong: [payload: Buffer];
  /** `code` is the peer's close code, or ours when the peer sent none, or 1006. */
  close: [code: number, reason: string];
  /** A protocol fault by the peer (a WebSocketError: we closed with its `closeCode`) or a socket error. */
  error: [error: Error & { closeCode?: number; code?: string }];
}

/** Output queued in one turn beyond this is written at once (one write per 64 KiB). */
const EARLY_FLUSH_BYTES = 64 * 1024;

/**
 * Connections with output waiting for this turn's flush. One setImmediate
 * flushes them all, so frames sent to a connection during one event-loop turn
 * leave in one socket write, however many there were.
 */
const dirty: WebSocketConnection[] = [];
let flushScheduled = false;
function scheduleFlush(connection: WebSocketConnection): void {
  dirty.push(connection);
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(flushDirty);
  }
}
function flushDirty(): void {
  flushScheduled = false;
  // Connections dirtied while flushing wait for the next turn.
  const batch = dirty.splice(0, dirty.length);
  for (const connection of batch) connection.flush();
}

export class WebSocketConnection extends EventEmitter<ConnectionEvents> implements ProtocolHandler {
  readonly protocol: string | undefined;
  readonly remoteAddress: string | undefined;
  /** Free for the application to use (e.g. a session id). */
  id = 0;

  private readonly socket: Duplex;
  private readonly core: WebSocketProtocol;
  private readonly closeTimeoutMs: number;
  private readonly maxBufferedAmount: number;

  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private queued = false;
  private endAfterFlush = false;
  /** The protocol's shouldCloseTransport has been acted on. */
  private transportEnding = false;
  private closeTimer: NodeJS.Timeout | undefined;
  private readonly onClosed: ((connection: WebSocketConnection) => void) | undefined;
  /** Cleared by each heartbeat, set by any byte from the peer. */
  private heardFrom = true;

  constructor(socket: Duplex, options: ConnectionOptions, head?: Buffer) {
    super();
    this.socket = socket;
    this.protocol = options.protocol;
    this.remoteAddress = options.remoteAddress;
    this.closeTimeoutMs = options.closeTimeoutMs ?? 5000;
    this.maxBufferedAmount = options.maxBufferedAmount ?? 0;
    this.core = new WebSocketProtocol(this, {
      role: options.role,
      maxMessageSize: options.maxMessageSize,
      maxFragments: options.maxFragments,
      deflate: options.deflate,
    });
    this.onClosed = options.onClosed;
    // Shared listener functions find the connection through the socket, so a
    // connection costs no closures (memory per idle connection counts).
    (socket as OwnedSocket)[OWNER] = this;
    socket.on('data', onSocketData);
    socket.on('error', onSocketError);
    socket.on('close', onSocketClose);
    socket.on('end', onSocketEnd);
    if (head && head.length > 0) queueMicrotask(() => this.onData(head));
  }

  /** The Sec-WebSocket-Extensions value agreed in the handshake ('' for none), as in browsers. */
  get extensions(): string {
    return this.core.deflate?.header ?? '';
  }

  /** permessage-deflate as negotiated, or undefined. */
  get deflate(): NegotiatedDeflate | undefined {
    return this.core.deflate;
  }

  get readyState(): ReadyState {
    return this.core.state;
  }

  /**
   * True when the peer started the closing handshake: its Close frame came
   * before we sent ours (a client that said goodbye on purpose). False when
   * we started it (close(), a protocol fault, a slow consumer), when the
   * connection dropped without a Close frame (code 1006), or while open.
   */
  get closedByPeer(): boolean {
    return this.core.closeInitiator === 'peer';
  }

  /** Bytes accepted by send() that the kernel has not taken yet. */
  get bufferedAmount(): number {
    return this.pendingBytes + this.socket.writableLength;
  }

  /**
   * Sends a text (string) or binary (bytes) message, compressed when
   * permessage-deflate was negotiated and it is at least the threshold long
   * (see SendOptions). True only if the frame was queued: false when the
   * connection is closing or closed, or was just dropped as a slow consumer.
   */
  send(data: string | Uint8Array, options?: SendOptions): boolean {
    const frame = this.core.send(data, options);
    return frame !== undefined && this.enqueue(frame);
  }

  /**
   * Sends a message prepared once for many connections: a PreparedMessage
   * (its compressed frame if this connection negotiated permessage-deflate
   * and the message wants it, else its plain frame) or a frame made by
   * `encodeMessage` (unmasked). Server connections only: a client must mask
   * each frame with its own key (§5.3). Returns what send() returns.
   */
  sendPrepared(message: Buffer | PreparedMessage): boolean {
    const frame = this.core.sendPrepared(message);
    return frame !== undefined && this.enqueue(frame);
  }

  ping(payload: string | Uint8Array = ''): boolean {
    const frame = this.core.ping(payload);
    return frame !== undefined && this.enqueue(frame);
  }

  /**
   * Starts the closing handshake (§7.1.2). The TCP connection is closed once
   * the peer answers, or after the close timeout if it does not.
   */
  close(code: number = CloseCode.NORMAL, reason = ''): void {
    const frame = this.core.close(code, reason);
    if (frame !== undefined) this.queueClose(frame);
  }

  /** Drops the TCP connection at once, without a closing handshake. */
  terminate(): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.socket.destroy();
  }

  /**
   * For a heartbeat timer: false if nothing arrived since the last call (the
   * caller should terminate); otherwise pings and starts a new round.
   */
  heartbeat(): boolean {
    if (this.core.state !== ReadyState.OPEN) return true;
    if (!this.heardFrom) return false;
    this.heardFrom = false;
    this.ping();
    return true;
  }

  /** Writes this turn's frames in one socket write. Called by the scheduler. */
  flush(): void {
    this.queued = false;
    const count = this.pending.length;
    if (count > 0 && this.socket.writable) {
      const data = count === 1 ? this.pending[0]! : gatherFrames(this.socket, this.pending, this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
      this.socket.write(data);
      afterWrite(this.socket, data);
    }
    if (this.endAfterFlush) {
      this.endAfterFlush = false;
      if (this.socket.writable) this.socket.end();
    }
  }

  private enqueue(frame: Buffer): boolean {
    // Only what is already waiting counts, not this frame: a peer that reads
    // is never dropped for one large message (a welcome with history).
    if (this.maxBufferedAmount > 0 && this.bufferedAmount > this.maxBufferedAmount) {
      this.dropSlowConsumer();
      return false;
    }
    this.pending.push(frame);
    this.pendingBytes += frame.length;
    if (this.pendingBytes >= EARLY_FLUSH_BYTES) {
      // A big burst in one turn goes to the kernel now rather than piling up
      // here, so the buffer cap measures what the peer has not read.
      this.flush();
    } else if (!this.queued) {
      this.queued = true;
      scheduleFlush(this);
    }
    return true;
  }

  /**
   * The peer is not reading fast enough: say why in a close frame (it only
   * arrives if the peer drains the socket) and drop the connection soon, so
   * its buffers are freed. Frames already accepted this turn (send() said
   * true, so the application counted them as delivered) still go out first:
   * at most EARLY_FLUSH_BYTES more than the cap.
   */
  private dropSlowConsumer(): void {
    const accepted = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    if (accepted.length > 0 && this.socket.writable) this.socket.write(accepted.length === 1 ? accepted[0]! : Buffer.concat(accepted));
    // For the application the connection is over now (the protocol is
    // CLOSED): nothing more will be written to it, so it must not count as a
    // recipient while the socket drains.
    this.socket.end(this.core.abandon(CloseCode.TRY_AGAIN_LATER, 'slow consumer'));
    this.armCloseTimer(Math.min(this.closeTimeoutMs, 1000));
    // The event waits for the next tick because we are inside a send(),
    // possibly in the middle of the caller's loop over recipients.
    process.nextTick(() => this.finish());
  }

  /** A Close frame bypasses the slow-consumer cap, and starts the wait for the peer. */
  private queueClose(frame: Buffer): void {
    this.pending.push(frame);
    this.pendingBytes += frame.length;
    if (!this.queued) {
      this.queued = true;
      scheduleFlush(this);
    }
    this.armCloseTimer(this.closeTimeoutMs);
  }

  private armCloseTimer(ms: number): void {
    if (this.closeTimer) return;
    this.closeTimer = setTimeout(() => this.socket.destroy(), ms);
    this.closeTimer.unref();
  }

  /** @internal Called by the shared socket listeners below. */
  onData(chunk: Buffer): void {
    this.heardFrom = true;
    this.core.receive(chunk);
    if (this.core.shouldCloseTransport && !this.transportEnding) {
      // The closing handshake is over for us, or the peer failed it:
      // end TCP right after this turn's frames (or now if none wait).
      this.transportEnding = true;
      this.endAfterFlush = true;
      if (!this.queued) this.flush();
    }
  }

  // ---- ProtocolHandler: what the protocol core found in the peer's bytes ----

  /** @internal */
  onMessage(data: string | Buffer, isBinary: boolean): void {
    this.emit('message', data, isBinary);
  }

  /** @internal */
  onPing(payload: Buffer): void {
    this.emit('ping', payload);
  }

  /** @internal */
  onPong(payload: Buffer): void {
    this.emit('pong', payload);
  }

  /** @internal The 'close' event waits for the TCP connection to close. */
  onClose(): void {}

  /** @internal */
  onFault(error: WebSocketError): void {
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }

  /** @internal */
  onOutput(frame: Buffer, isClose: boolean): void {
    if (isClose) this.queueClose(frame);
    else this.enqueue(frame);
  }

  /** @internal */
  onSocketError(error: Error): void {
    // Resets and timeouts from the peer are normal on the internet: report, never throw.
    if (this.listenerCount('error') > 0) this.emit('error', error);
    this.socket.destroy();
  }

  /** @internal */
  onSocketClose(): void {
    if (this.closeTimer) clearTimeout(this.closeTimer);
    if (this.core.state === ReadyState.CLOSED) return;
    this.core.transportClosed();
    this.pending = [];
    this.pendingBytes = 0;
    this.finish();
  }

  private finish(): void {
    this.onClosed?.(this);
    this.emit('close', this.core.closeCode, this.core.closeReason);
  }
}
