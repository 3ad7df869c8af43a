// A deliberately small, independent RFC 6455 client for black-box conformance
// tests. It talks raw TCP (node:net) so that tests can send anything at all,
// including frames a real client must never produce. It does NOT import
// anything from lib/: the implementation under test must not grade itself.

import net from "node:net";
import { createHash, randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";

// RFC 6455 §1.3: the GUID concatenated with Sec-WebSocket-Key.
export const WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

// RFC 6455 §5.2 / §11.8: opcodes.
export const OP = {
  CONT: 0x0,
  TEXT: 0x1,
  BINARY: 0x2,
  CLOSE: 0x8,
  PING: 0x9,
  PONG: 0xa,
} as const;

// RFC 6455 §5.2: RSV1 is bit 0x40 of the first byte, RSV2 0x20, RSV3 0x10.
// In this module `rsv` is the 3-bit value (byte0 >> 4) & 7, so RSV1 = 4.
export const RSV1 = 4;
export const RSV2 = 2;
export const RSV3 = 1;

export const DEFAULT_TIMEOUT_MS = 5_000;

export function isControl(opcode: number): boolean {
  // RFC 6455 §5.5: control frames have the most significant opcode bit set.
  return (opcode & 0x8) !== 0;
}

export function acceptFor(key: string): string {
  // RFC 6455 §4.2.2 step 5.4 (and §1.3).
  return createHash("sha1").update(key + WS_GUID).digest("base64");
}

export function toBuffer(data: Buffer | Uint8Array | string | undefined): Buffer {
  if (data === undefined) return Buffer.alloc(0);
  if (typeof data === "string") return Buffer.from(data, "utf8");
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** XOR `data` with the 4-byte key, in place (RFC 6455 §5.3). */
export function applyMask(data: Buffer, key: Buffer, keyOffset = 0): Buffer {
  const len = data.length;
  let i = 0;
  if (keyOffset === 0 && len >= 8) {
    // Word-at-a-time fast path; the result is identical to the byte loop.
    const k = key.readUInt32LE(0);
    const words = len >>> 2;
    for (let w = 0; w < words; w++) {
      const o = w << 2;
      data.writeInt32LE((data.readInt32LE(o) ^ k) | 0, o);
    }
    i = words << 2;
  }
  for (; i < len; i++) {
    data[i] = (data[i] as number) ^ (key[(i + keyOffset) & 3] as number);
  }
  return data;
}

export type LengthEncoding = "auto" | "7" | "16" | "64";

export interface FrameSpec {
  opcode: number;
  payload?: Buffer | Uint8Array | string;
  /** FIN bit, default true. */
  fin?: boolean;
  /** 3-bit RSV value (RSV1 = 4, RSV2 = 2, RSV3 = 1), default 0. */
  rsv?: number;
  /** Whether to mask (clients MUST, RFC 6455 §5.1). Default true. */
  mask?: boolean;
  maskKey?: Buffer;
  /** Force a particular length encoding, even a non-minimal one. */
  lengthEncoding?: LengthEncoding;
  /**
   * Length written in the header, overriding payload.length. Lets tests
   * send only a prefix of a frame ("the rest is still arriving"), only a
   * header, or a nonsensical length (e.g. 64-bit with the MSB set).
   */
  declaredLength?: number | bigint;
}

/**
 * Build one frame. The returned buffer is the header (with mask key) plus the
 * masked payload bytes that were given; when declaredLength > payload.length
 * the frame is intentionally incomplete.
 */
export function encodeFrame(spec: FrameSpec): Buffer {
  const payload = Buffer.from(toBuffer(spec.payload)); // copy: masking is in place
  const fin = spec.fin ?? true;
  const rsv = spec.rsv ?? 0;
  const mask = spec.mask ?? true;
  const declared = BigInt(spec.declaredLength ?? payload.length);
  let enc = spec.lengthEncoding ?? "auto";
  if (enc === "auto") enc = declared < 126n ? "7" : declared < 65536n ? "16" : "64";

  const headerLen = 2 + (enc === "16" ? 2 : enc === "64" ? 8 : 0) + (mask ? 4 : 0);
  const header = Buffer.alloc(headerLen);
  header[0] = (fin ? 0x80 : 0) | ((rsv & 7) << 4) | (spec.opcode & 0x0f);
  let off = 2;
  // RFC 6455 §5.2: payload length 0-125 inline, 126 => 16-bit, 127 => 64-bit.
  if (enc === "7") {
    header[1] = Number(declared & 0x7fn);
  } else if (enc === "16") {
    header[1] = 126;
    header.writeUInt16BE(Number(declared & 0xffffn), 2);
    off = 4;
  } else {
    header[1] = 127;
    header.writeBigUInt64BE(declared & 0xffffffffffffffffn, 2);
    off = 10;
  }
  if (mask) {
    header[1] = (header[1] as number) | 0x80;
    const key = spec.maskKey ?? randomBytes(4);
    key.copy(header, off, 0, 4);
    applyMask(payload, key);
  }
  return Buffer.concat([header, payload]);
}

// Convenience builders for well-formed masked client frames.
export function text(payload: Buffer | Uint8Array | string, extra: Partial<FrameSpec> = {}): Buffer {
  return encodeFrame({ opcode: OP.TEXT, payload, ...extra });
}
export function binary(payload: Buffer | Uint8Array | string, extra: Partial<FrameSpec> = {}): Buffer {
  return encodeFrame({ opcode: OP.BINARY, payload, ...extra });
}
export function cont(payload: Buffer | Uint8Array | string, extra: Partial<FrameSpec> = {}): Buffer {
  return encodeFrame({ opcode: OP.CONT, payload, ...extra });
}
export function ping(payload: Buffer | Uint8Array | string = "", extra: Partial<FrameSpec> = {}): Buffer {
  return encodeFrame({ opcode: OP.PING, payload, ...extra });
}
export function pong(payload: Buffer | Uint8Array | string = "", extra: Partial<FrameSpec> = {}): Buffer {
  return encodeFrame({ opcode: OP.PONG, payload, ...extra });
}
/** Close frame body per RFC 6455 §5.5.1: optional 2-byte code then reason. */
export function closePayload(code?: number, reason: Buffer | string = ""): Buffer {
  if (code === undefined) return Buffer.alloc(0);
  const r = toBuffer(reason);
  const b = Buffer.alloc(2 + r.length);
  b.writeUInt16BE(code & 0xffff, 0);
  r.copy(b, 2);
  return b;
}
export function close(code?: number, reason: Buffer | string = "", extra: Partial<FrameSpec> = {}): Buffer {
  return encodeFrame({ opcode: OP.CLOSE, payload: closePayload(code, reason), ...extra });
}

/** Split a payload into frames of `size` bytes: first frame `opcode`, rest continuations (RFC 6455 §5.4). */
export function fragments(opcode: number, payload: Buffer | string, size: number): Buffer[] {
  const p = toBuffer(payload);
  if (size <= 0) throw new Error("fragment size must be > 0");
  const out: Buffer[] = [];
  const n = Math.max(1, Math.ceil(p.length / size));
  for (let i = 0; i < n; i++) {
    out.push(
      encodeFrame({
        opcode: i === 0 ? opcode : OP.CONT,
        fin: i === n - 1,
        payload: p.subarray(i * size, (i + 1) * size),
      }),
    );
  }
  return out;
}

export interface ServerFrame {
  fin: boolean;
  rsv: number;
  opcode: number;
  masked: boolean;
  payload: Buffer;
  /** performance.now() when the frame was complete. */
  receivedAt: number;
}

export interface Message {
  opcode: number;
  payload: Buffer;
  /** Number of frames the server used for it. */
  frameCount: number;
}

export interface CloseInfo {
  /** null when the close frame had no body. */
  code: number | null;
  reason: string;
  frame: ServerFrame;
  /** The TCP connection ended with a reset rather than a FIN. */
  reset: boolean;
  /** ms between the close frame and the TCP close. */
  tcpCloseDelayMs: number;
}

export interface HttpResponse {
  statusCode: number;
  statusLine: string;
  /** Lower-cased names; repeated fields joined with ", ". */
  headers: Record<string, string>;
  rawHead: string;
  body: Buffer;
  socket: net.Socket;
  /** Bytes received after the head that were not consumed as body. */
  rest: Buffer;
}

export function randomKey(): string {
  return randomBytes(16).toString("base64");
}

export interface HandshakeOptions {
  path?: string;
  /** Sec-WebSocket-Key; default: random 16 bytes, base64. */
  key?: string;
  /** Extra or replacement header lines (name => value). null removes a default. */
  headers?: Record<string, string | null>;
  /** Replace the entire request with this text. */
  rawRequest?: string;
  /** Write the request in chunks of this many bytes with a delay between. */
  chunkSize?: number;
  chunkDelayMs?: number;
  timeoutMs?: number;
}

export function buildRequest(port: number, opts: HandshakeOptions = {}): { request: string; key: string } {
  const key = opts.key ?? randomKey();
  if (opts.rawRequest !== undefined) return { request: opts.rawRequest, key };
  // RFC 6455 §4.1: the client's opening handshake.
  const defaults: Record<string, string | null> = {
    Host: `127.0.0.1:${port}`,
    Upgrade: "websocket",
    Connection: "Upgrade",
    "Sec-WebSocket-Key": key,
    "Sec-WebSocket-Version": "13",
  };
  const merged: Record<string, string | null> = { ...defaults };
  for (const [name, value] of Object.entries(opts.headers ?? {})) {
    // Case-insensitive replacement of defaults.
    for (const d of Object.keys(merged)) if (d.toLowerCase() === name.toLowerCase()) delete merged[d];
    merged[name] = value;
  }
  let req = `GET ${opts.path ?? "/"} HTTP/1.1\r\n`;
  for (const [name, value] of Object.entries(merged)) if (value !== null) req += `${name}: ${value}\r\n`;
  req += "\r\n";
  return { request: req, key };
}

function connectTcp(port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.setNoDelay(true);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`TCP connect to 127.0.0.1:${port} timed out`));
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.removeListener("error", onError);
      resolve(socket);
    });
    const onError = (err: Error): void => {
      clearTimeout(timer);
      reject(err);
    };
    socket.once("error", onError);
  });
}

export async function writeChunked(socket: net.Socket, data: Buffer, chunkSize: number, delayMs: number): Promise<void> {
  if (chunkSize <= 0) throw new Error("chunkSize must be > 0");
  for (let off = 0; off < data.length; off += chunkSize) {
    await writeAsync(socket, data.subarray(off, off + chunkSize));
    if (delayMs > 0 && off + chunkSize < data.length) await sleep(delayMs);
  }
}

function writeAsync(socket: net.Socket, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.destroyed || !socket.writable) {
      reject(new Error("socket is not writable"));
      return;
    }
    socket.write(data, (err) => (err ? reject(err) : resolve()));
  });
}

/**
 * Send raw bytes as an HTTP request on a fresh connection and read the
 * response head (and a Content-Length body, if any). The socket stays open
 * and is returned; the caller destroys it.
 */
export async function httpExchange(
  port: number,
  request: string | Buffer,
  opts: { timeoutMs?: number; chunkSize?: number; chunkDelayMs?: number } = {},
): Promise<HttpResponse> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const socket = await connectTcp(port, timeoutMs);
  const chunks: Buffer[] = [];
  let total = 0;
  const result = new Promise<HttpResponse>((resolve, reject) => {
    let head: { statusCode: number; statusLine: string; headers: Record<string, string>; rawHead: string; end: number } | undefined;
    let ended = false;
    const timer = setTimeout(() => finish(new Error(`no complete HTTP response within ${timeoutMs} ms`)), timeoutMs);
    const finish = (err?: Error): void => {
      clearTimeout(timer);
      socket.removeListener("data", onData);
      socket.removeListener("end", onEnd);
      socket.removeListener("close", onEnd);
      socket.removeListener("error", onErr);
      if (err) {
        socket.destroy();
        reject(err);
        return;
      }
      const all = Buffer.concat(chunks, total);
      const h = head as NonNullable<typeof head>;
      const cl = h.headers["content-length"];
      const bodyLen = cl !== undefined && /^\d+$/.test(cl) ? Math.min(Number(cl), all.length - h.end) : all.length - h.end;
      // Keep unread bytes (e.g. frames that follow a 101) for the caller.
      resolve({
        statusCode: h.statusCode,
        statusLine: h.statusLine,
        headers: h.headers,
        rawHead: h.rawHead,
        body: h.statusCode === 101 ? Buffer.alloc(0) : all.subarray(h.end, h.end + bodyLen),
        socket,
        rest: h.statusCode === 101 ? all.subarray(h.end) : all.subarray(h.end + bodyLen),
      });
    };
    const tryComplete = (): void => {
      const all = Buffer.concat(chunks, total);
      if (!head) {
        const idx = all.indexOf("\r\n\r\n");
        if (idx < 0) {
          if (ended) finish(new Error(`connection closed before a complete HTTP response head; got ${JSON.stringify(all.toString("latin1"))}`));
          else if (total > 64 * 1024) finish(new Error("HTTP response head larger than 64 KiB"));
          return;
        }
        const rawHead = all.subarray(0, idx).toString("latin1");
        const lines = rawHead.split("\r\n");
        const statusLine = lines[0] ?? "";
        const m = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(statusLine);
        if (!m) {
          finish(new Error(`malformed HTTP status line: ${JSON.stringify(statusLine)}`));
          return;
        }
        const headers: Record<string, string> = {};
        for (const line of lines.slice(1)) {
          const c = line.indexOf(":");
          if (c <= 0) continue;
          const name = line.slice(0, c).trim().toLowerCase();
          const value = line.slice(c + 1).trim();
          headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
        }
        head = { statusCode: Number(m[1]), statusLine, headers, rawHead, end: idx + 4 };
      }
      if (head.statusCode === 101) {
        finish();
        return;
      }
      const cl = head.headers["content-length"];
      if (cl !== undefined && /^\d+$/.test(cl)) {
        if (total - head.end >= Number(cl) || ended) finish();
        return;
      }
      // No Content-Length: body runs to connection close; don't wait forever,
      // give the server a short grace period and then take what we have.
      if (ended) finish();
      else setTimeout(() => { if (head) finish(); }, 200).unref();
    };
    const onData = (d: Buffer): void => {
      chunks.push(d);
      total += d.length;
      tryComplete();
    };
    const onEnd = (): void => {
      ended = true;
      if (total === 0 && !head) {
        finish(new Error("connection closed by the server without any HTTP response"));
        return;
      }
      tryComplete();
    };
    const onErr = (e: Error): void => {
      ended = true;
      if (head) tryComplete();
      else finish(e);
    };
    socket.on("data", onData);
    socket.on("end", onEnd);
    socket.on("close", onEnd);
    socket.on("error", onErr);
  });
  // Avoid an unhandled rejection if writing fails before the response is read.
  result.catch(() => {});
  const data = typeof request === "string" ? Buffer.from(request, "latin1") : request;
  try {
    if (opts.chunkSize !== undefined) await writeChunked(socket, data, opts.chunkSize, opts.chunkDelayMs ?? 0);
    else await writeAsync(socket, data);
  } catch {
    // The server may close early on a bad request; the response still counts.
  }
  return result;
}

/** Open a WebSocket connection, verifying the 101 response (RFC 6455 §4.1, §4.2.2). */
export async function connect(port: number, opts: HandshakeOptions = {}): Promise<WsRawClient> {
  const { request, key } = buildRequest(port, opts);
  const httpOpts: { timeoutMs?: number; chunkSize?: number; chunkDelayMs?: number } = {};
  if (opts.timeoutMs !== undefined) httpOpts.timeoutMs = opts.timeoutMs;
  if (opts.chunkSize !== undefined) httpOpts.chunkSize = opts.chunkSize;
  if (opts.chunkDelayMs !== undefined) httpOpts.chunkDelayMs = opts.chunkDelayMs;
  const res = await httpExchange(port, request, httpOpts);
  const fail = (why: string): never => {
    res.socket.destroy();
    throw new Error(`WebSocket handshake failed: ${why}\n--- response head ---\n${res.rawHead}`);
  };
  // RFC 6455 §4.1 (client requirements on the server's response), items 1-4.
  if (res.statusCode !== 101) fail(`expected status 101, got ${res.statusCode}`);
  if ((res.headers["upgrade"] ?? "").toLowerCase() !== "websocket") fail("Upgrade header is not 'websocket'");
  const connTokens = (res.headers["connection"] ?? "").split(",").map((s) => s.trim().toLowerCase());
  if (!connTokens.includes("upgrade")) fail("Connection header lacks the 'Upgrade' token");
  if (res.headers["sec-websocket-accept"] !== acceptFor(key)) {
    fail(`Sec-WebSocket-Accept is ${JSON.stringify(res.headers["sec-websocket-accept"])}, expected ${acceptFor(key)}`);
  }
  return new WsRawClient(res.socket, res, res.rest);
}

/**
 * A connected raw WebSocket client. Received frames are parsed strictly as
 * server frames; anything a server MUST NOT send is recorded in `violations`
 * and makes the next read fail.
 */
export class WsRawClient {
  readonly socket: net.Socket;
  readonly handshake: HttpResponse;
  readonly frames: ServerFrame[] = [];
  readonly violations: string[] = [];
  /** Index of the next frame nextFrame() will return. */
  readIndex = 0;
  tcpClosed = false;
  tcpClosedAt: number | undefined;
  /** The server sent a FIN ('end'). */
  finReceived = false;
  socketError: Error | undefined;
  closeSent = false;
  /** True once this side destroyed the socket (so a close isn't the server's). */
  destroyedLocally = false;

  private chunks: Buffer[] = [];
  private buffered = 0;
  private listeners = new Set<() => void>();

  constructor(socket: net.Socket, handshake: HttpResponse, leftover: Buffer) {
    this.socket = socket;
    this.handshake = handshake;
    socket.on("data", (d: Buffer) => this.onData(d));
    socket.on("end", () => {
      this.finReceived = true;
      this.markClosed();
    });
    socket.on("close", () => this.markClosed());
    socket.on("error", (e: Error) => {
      this.socketError = e;
      this.markClosed();
    });
    if (leftover.length > 0) this.onData(leftover);
    if (socket.destroyed || socket.readableEnded) this.markClosed();
  }

  private markClosed(): void {
    if (!this.tcpClosed) {
      this.tcpClosed = true;
      this.tcpClosedAt = performance.now();
    }
    this.notify();
  }

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }

  /** Remove exactly n bytes from the front of the receive buffer. */
  private take(n: number): Buffer {
    const first = this.chunks[0];
    if (first !== undefined && first.length >= n) {
      const out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      this.buffered -= n;
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let off = 0;
    while (off < n) {
      const c = this.chunks[0] as Buffer;
      const need = n - off;
      if (c.length <= need) {
        c.copy(out, off);
        off += c.length;
        this.chunks.shift();
      } else {
        c.copy(out, off, 0, need);
        this.chunks[0] = c.subarray(need);
        off += need;
      }
    }
    this.buffered -= n;
    return out;
  }

  private peek(n: number): Buffer {
    if (this.chunks.length > 0 && (this.chunks[0] as Buffer).length >= n) return (this.chunks[0] as Buffer).subarray(0, n);
    const out = Buffer.allocUnsafe(n);
    let off = 0;
    for (const c of this.chunks) {
      const k = Math.min(c.length, n - off);
      c.copy(out, off, 0, k);
      off += k;
      if (off === n) break;
    }
    return out;
  }

  private onData(d: Buffer): void {
    this.chunks.push(d);
    this.buffered += d.length;
    let progressed = false;
    for (;;) {
      if (this.violations.length > 0) {
        // Stop parsing after a framing violation; the stream is garbage.
        this.chunks = [];
        this.buffered = 0;
        break;
      }
      if (this.buffered < 2) break;
      const h = this.peek(Math.min(this.buffered, 14));
      const b0 = h[0] as number;
      const b1 = h[1] as number;
      const masked = (b1 & 0x80) !== 0;
      const len7 = b1 & 0x7f;
      let headerLen = 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + (masked ? 4 : 0);
      if (this.buffered < headerLen) break;
      let len: number;
      if (len7 === 126) {
        len = h.readUInt16BE(2);
        // RFC 6455 §5.2: "the minimal number of bytes MUST be used".
        if (len < 126) this.violations.push(`server used a 16-bit length for a ${len}-byte payload (RFC 6455 §5.2)`);
      } else if (len7 === 127) {
        const big = h.readBigUInt64BE(2);
        // RFC 6455 §5.2: the most significant bit MUST be 0.
        if (big >> 63n !== 0n) {
          this.violations.push("server sent a 64-bit length with the MSB set (RFC 6455 §5.2)");
          break;
        }
        if (big > BigInt(Number.MAX_SAFE_INTEGER)) {
          this.violations.push(`server declared an absurd payload length ${big}`);
          break;
        }
        len = Number(big);
        if (len < 65536) this.violations.push(`server used a 64-bit length for a ${len}-byte payload (RFC 6455 §5.2)`);
      } else {
        len = len7;
      }
      if (this.buffered < headerLen + len) break;
      const header = this.take(headerLen);
      let payload = len > 0 ? this.take(len) : Buffer.alloc(0);
      const frame: ServerFrame = {
        fin: (b0 & 0x80) !== 0,
        rsv: (b0 >> 4) & 7,
        opcode: b0 & 0x0f,
        masked,
        payload,
        receivedAt: performance.now(),
      };
      // RFC 6455 §5.1: "A server MUST NOT mask any frames that it sends".
      if (masked) {
        this.violations.push("server sent a masked frame (RFC 6455 §5.1)");
        payload = applyMask(Buffer.from(payload), header.subarray(headerLen - 4, headerLen));
        frame.payload = payload;
      }
      // RFC 6455 §5.2: RSV bits MUST be 0 unless an extension was negotiated.
      if (frame.rsv !== 0 && this.handshake.headers["sec-websocket-extensions"] === undefined) {
        this.violations.push(`server frame has RSV=${frame.rsv} with no extension negotiated (RFC 6455 §5.2)`);
      }
      if ([3, 4, 5, 6, 7, 11, 12, 13, 14, 15].includes(frame.opcode)) {
        this.violations.push(`server used reserved opcode ${frame.opcode} (RFC 6455 §5.2)`);
      }
      // RFC 6455 §5.5: control frames <= 125 bytes and not fragmented.
      if (isControl(frame.opcode) && (len > 125 || !frame.fin)) {
        this.violations.push(`server sent an invalid control frame (opcode ${frame.opcode}, len ${len}, fin ${frame.fin}) (RFC 6455 §5.5)`);
      }
      this.frames.push(frame);
      progressed = true;
    }
    if (progressed || this.violations.length > 0) this.notify();
  }

  /** Wait until predicate() is true (checked on every event) or time out. */
  waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (predicate()) {
          done();
          resolve();
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; ${this.describeState()}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
    });
  }

  describeState(): string {
    const recent = this.frames.slice(this.readIndex).map(describeFrame);
    return (
      `unread frames: [${recent.join(", ")}]; tcpClosed=${this.tcpClosed}` +
      (this.socketError ? ` (error: ${this.socketError.message})` : "") +
      (this.violations.length ? `; violations: ${this.violations.join("; ")}` : "")
    );
  }

  private checkViolations(): void {
    if (this.violations.length > 0) throw new Error(`server protocol violation: ${this.violations.join("; ")}`);
  }

  write(data: Buffer | Buffer[]): Promise<void> {
    const buf = Array.isArray(data) ? Buffer.concat(data) : data;
    this.noteClose(buf);
    return writeAsync(this.socket, buf);
  }

  /** Write in chunks of `chunkSize` bytes with `delayMs` between them. */
  writeChunked(data: Buffer | Buffer[], chunkSize: number, delayMs: number): Promise<void> {
    const buf = Array.isArray(data) ? Buffer.concat(data) : data;
    this.noteClose(buf);
    return writeChunked(this.socket, buf, chunkSize, delayMs);
  }

  /** Best-effort write that ignores a connection the server already closed. */
  async tryWrite(data: Buffer | Buffer[]): Promise<boolean> {
    try {
      await this.write(data);
      return true;
    } catch {
      return false;
    }
  }

  /** Remember whether we have sent a close frame (decides whether expectClose() replies). */
  private noteClose(buf: Buffer): void {
    // Walk the frames in what we are about to write; stop at anything partial.
    let off = 0;
    for (let guard = 0; off + 2 <= buf.length && guard < 1_000_000; guard++) {
      const b0 = buf[off] as number;
      const b1 = buf[off + 1] as number;
      if ((b0 & 0x0f) === OP.CLOSE) {
        this.closeSent = true;
        return;
      }
      const l7 = b1 & 0x7f;
      let hl = 2 + ((b1 & 0x80) !== 0 ? 4 : 0);
      let len: number;
      if (l7 === 126) {
        if (off + 4 > buf.length) return;
        len = buf.readUInt16BE(off + 2);
        hl += 2;
      } else if (l7 === 127) {
        if (off + 10 > buf.length) return;
        const big = buf.readBigUInt64BE(off + 2);
        if (big > BigInt(buf.length)) return;
        len = Number(big);
        hl += 8;
      } else {
        len = l7;
      }
      off += hl + len;
    }
  }

  /** Next unread frame (data or control). */
  async nextFrame(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<ServerFrame> {
    await this.waitFor(
      () => this.readIndex < this.frames.length || this.tcpClosed || this.violations.length > 0,
      timeoutMs,
      "a frame from the server",
    );
    this.checkViolations();
    const f = this.frames[this.readIndex];
    if (f === undefined) {
      throw new Error(`connection closed by the server while waiting for a frame; ${this.describeState()}`);
    }
    this.readIndex++;
    return f;
  }

  /**
   * Next complete data message, reassembled from fragments (RFC 6455 §5.4).
   * Control frames are not expected here: any makes this throw.
   */
  async nextMessage(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Message> {
    const deadline = performance.now() + timeoutMs;
    const first = await this.nextFrame(timeoutMs);
    if (first.opcode !== OP.TEXT && first.opcode !== OP.BINARY) {
      throw new Error(`expected a data message, got ${describeFrame(first)}`);
    }
    const parts = [first.payload];
    let count = 1;
    let fin = first.fin;
    while (!fin) {
      const f = await this.nextFrame(Math.max(1, deadline - performance.now()));
      if (f.opcode !== OP.CONT) throw new Error(`expected a continuation frame, got ${describeFrame(f)}`);
      parts.push(f.payload);
      count++;
      fin = f.fin;
    }
    return { opcode: first.opcode, payload: Buffer.concat(parts), frameCount: count };
  }

  /** Assert nothing arrives (and the connection stays open) for `ms`. */
  async expectSilence(ms: number): Promise<void> {
    await sleep(ms);
    this.checkViolations();
    if (this.readIndex < this.frames.length) {
      throw new Error(`expected no frames, got ${this.describeState()}`);
    }
  }

  /**
   * Wait for the server's close frame and then for the server to close the
   * TCP connection. `expected` is the status code, null for "no code", or a
   * list of acceptable ones. If we have not sent a close ourselves we answer
   * with one (RFC 6455 §5.5.1) before waiting for the TCP close, unless
   * `reply: false` (to check the server doesn't depend on our answer).
   */
  async expectClose(
    expected: number | null | ReadonlyArray<number | null>,
    opts: { timeoutMs?: number; tcpTimeoutMs?: number; allowReset?: boolean; reply?: boolean } = {},
  ): Promise<CloseInfo> {
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const f = await this.nextFrame(timeoutMs).catch((e: unknown) => {
      throw new Error(`expected a close frame with code ${fmtExpected(expected)}: ${(e as Error).message}`);
    });
    if (f.opcode !== OP.CLOSE) {
      throw new Error(`expected a close frame with code ${fmtExpected(expected)}, got ${describeFrame(f)}; ${this.describeState()}`);
    }
    let code: number | null = null;
    let reason = "";
    // RFC 6455 §5.5.1: body is empty or starts with a 2-byte status code.
    if (f.payload.length === 1) throw new Error("server close frame has a 1-byte body (RFC 6455 §5.5.1)");
    if (f.payload.length >= 2) {
      code = f.payload.readUInt16BE(0);
      try {
        reason = new TextDecoder("utf-8", { fatal: true }).decode(f.payload.subarray(2));
      } catch {
        throw new Error("server close reason is not valid UTF-8 (RFC 6455 §5.5.1)");
      }
    }
    const ok = Array.isArray(expected) ? expected.includes(code) : expected === code;
    if (!ok) {
      throw new Error(`expected close code ${fmtExpected(expected)}, got ${code === null ? "no code" : code}${reason ? ` (reason ${JSON.stringify(reason)})` : ""}`);
    }
    if ((opts.reply ?? true) && !this.closeSent && !this.tcpClosed) {
      // RFC 6455 §5.5.1: answer a close with a close, echoing the code.
      this.closeSent = true;
      await this.tryWrite(close(code === null ? undefined : code));
    }
    const tcpTimeoutMs = opts.tcpTimeoutMs ?? 3_000;
    await this.waitFor(() => this.tcpClosed, tcpTimeoutMs, "the server to close the TCP connection after the close handshake (RFC 6455 §7.1.1)");
    // RFC 6455 §5.5.1: no data after the close frame.
    if (this.readIndex < this.frames.length) {
      throw new Error(`server sent frames after its close frame: ${this.frames.slice(this.readIndex).map(describeFrame).join(", ")}`);
    }
    this.checkViolations();
    const reset = !this.finReceived;
    if (reset && opts.allowReset === false) {
      throw new Error(`TCP connection was reset instead of closed cleanly (${this.socketError?.message ?? "no FIN"})`);
    }
    return {
      code,
      reason,
      frame: f,
      reset,
      tcpCloseDelayMs: (this.tcpClosedAt ?? performance.now()) - f.receivedAt,
    };
  }

  destroy(): void {
    this.destroyedLocally = true;
    this.socket.destroy();
  }
}

function fmtExpected(e: number | null | ReadonlyArray<number | null>): string {
  if (Array.isArray(e)) return e.map((x) => (x === null ? "none" : String(x))).join(" or ");
  return e === null ? "none" : String(e);
}

export function describeFrame(f: ServerFrame): string {
  const names: Record<number, string> = { 0: "CONT", 1: "TEXT", 2: "BINARY", 8: "CLOSE", 9: "PING", 10: "PONG" };
  const name = names[f.opcode] ?? `OP${f.opcode}`;
  let body: string;
  if (f.opcode === OP.CLOSE && f.payload.length >= 2) {
    body = `code=${f.payload.readUInt16BE(0)} reason=${JSON.stringify(f.payload.subarray(2).toString("utf8"))}`;
  } else {
    body = f.payload.length <= 32 ? `0x${f.payload.toString("hex")}` : `${f.payload.length} bytes`;
  }
  return `${name}${f.fin ? "" : "(fin=0)"}${f.rsv ? `(rsv=${f.rsv})` : ""}[${body}]`;
}
