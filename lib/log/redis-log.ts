/**
 * The ordered log of a cluster: one Redis stream per database. Every process
 * appends its commands with XADD and reads everybody's back with XREAD
 * BLOCK on a second connection, in stream order, applying each to its own
 * replica with the entry's time (the milliseconds of its stream id, which
 * Redis keeps increasing). Redis orders and stores; it decides nothing.
 *
 * Around that: a heartbeat (a `tick` command) every second, which is how
 * the replicas tell a live process from a dead one and how this process
 * knows its delivery path works end to end (`healthy`); an epoch key that
 * tells a Redis that lost its data (every replica then starts over and the
 * processes register their members again, silently); snapshots of the
 * replica, written by one process, so that a new process starts from the
 * present and the stream can be trimmed.
 */
import { randomBytes } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { decodeCommand, type Command } from '../chat/commands.ts';
import { snapshotJson, type CapturedSnapshot } from '../chat/snapshot.ts';
import type { ReplicaSnapshot } from '../chat/core.ts';
import type { CommandLog } from '../chat/node.ts';
import { RedisConnection } from '../redis/client.ts';
import { parseRedisUrl, type RedisAddress } from '../redis/url.ts';
import type { Logger } from '../server/logger.ts';
import type { ChatService } from '../server/chat-service.ts';

const STREAM = 'wschat:log';
const EPOCH = 'wschat:epoch';
const SNAPSHOT = 'wschat:snapshot';
const HEARTBEAT_MS = 1000;
const SNAPSHOT_EVERY_MS = 5000;
/** Serialising a snapshot yields to the event loop after this much work. */
const SNAPSHOT_SLICE_MS = 5;
/** Entries older than the snapshot by this much are trimmed (a lagging reader reloads the snapshot). */
const TRIM_BEHIND_SNAPSHOT_MS = 30_000;
const READ_BLOCK_MS = 1000;
const READ_COUNT = 1000;
/** After a batch of several entries, wait this long before the next read (see the read loop). */
const READ_GATHER_MS = 10;
/** Healthy only if this process read one of its own heartbeats back this recently. */
const HEALTHY_WITHIN_MS = 3 * HEARTBEAT_MS;
/** Redis replies slower than this count as a stall (then: reconnect). */
const STALL_TIMEOUT_MS = 4000;

export class RedisLog implements CommandLog {
  readonly local = false;
  readonly address: RedisAddress;
  readonly #logger: Logger;
  readonly #apply: (command: Command, now: number) => void;
  readonly #commands: RedisConnection;
  readonly #reader: RedisConnection;
  #service: ChatService | undefined;
  #epoch: string | undefined;
  #lastId = '0-0';
  /** Bumped whenever the read position jumps (a reset or a snapshot): a read issued before is stale. */
  #position = 0;
  #lastOwnHeartbeatAt = 0;
  #reading = false;
  #closed = false;
  #wasHealthy = false;
  #pending = new Set<Promise<unknown>>();
  #heartbeat: NodeJS.Timeout | undefined;
  #lastSnapshotAt = 0;
  #writingSnapshot = false;
  #syncing: Promise<void> | undefined;
  /** False from a disconnect until the epoch of the Redis we reached is checked. */
  #synced = false;
  /** Commands applied and reconnects, for /metrics. */
  applied = 0;
  reconnects = 0;

  /** Throws a RedisUrlError for a URL that is not `redis://` or `rediss://` with a database number. */
  constructor(url: string, logger: Logger, apply: (command: Command, now: number) => void) {
    this.address = parseRedisUrl(url);
    this.#logger = logger;
    this.#apply = apply;
    const options = { stallTimeoutMs: STALL_TIMEOUT_MS };
    this.#commands = new RedisConnection(this.address, options);
    this.#reader = new RedisConnection(this.address, { ...options, pingIntervalMs: 0 });
  }

  /** Appends can succeed: connected, and the epoch of this connection's Redis is known. */
  get available(): boolean {
    return this.#commands.isReady && this.#synced;
  }

  /** Connected, reading, and registered: this process's own heartbeats come back. */
  get healthy(): boolean {
    return this.available && this.#reader.isReady && Date.now() - this.#lastOwnHeartbeatAt < HEALTHY_WITHIN_MS;
  }

  /** Age of the newest entry applied, in ms (silent loss of delivery shows here). */
  lastAppliedAgeMs(): number {
    const ms = Number(this.#lastId.split('-')[0]);
    return ms > 0 ? Math.max(0, Date.now() - ms) : -1;
  }

  start(service: ChatService): void {
    this.#service = service;
    this.#commands.on('ready', () => this.#onReady());
    this.#commands.on('down', (error) => this.#onDown(error));
    this.#commands.on('reconnecting', () => this.reconnects++);
    this.#reader.on('ready', () => this.#onReaderReady());
    this.#commands.connect();
    this.#reader.connect();
    this.#heartbeat = setInterval(() => this.#beat(), HEARTBEAT_MS);
    this.#heartbeat.unref();
  }

  append(command: Command, onFailed: () => void): void {
    if (!this.available || this.#closed) {
      queueMicrotask(onFailed);
      return;
    }
    const fields = ['XADD', STREAM, '*', 'e', this.#epoch!, 'c', JSON.stringify(command)];
    const write = this.#commands.command(fields).then(
      () => undefined,
      // No blind resend: the command may or may not have been appended (at most once).
      () => onFailed(),
    );
    this.#pending.add(write);
    void write.finally(() => this.#pending.delete(write));
  }

  /** Waits (at most `timeoutMs`) for the appends in flight. */
  async flush(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.#pending]), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    await Promise.allSettled([this.#commands.close(), this.#reader.close()]);
  }

  // ---- connection state ----------------------------------------------------------

  #onDown(error: Error): void {
    this.#synced = false;
    // `ok` again only once an own heartbeat has come back through the new link.
    this.#lastOwnHeartbeatAt = 0;
    if (this.#wasHealthy || this.#epoch !== undefined) this.#logger.warn('redis_down', { error: error.message });
    this.#wasHealthy = false;
  }

  /**
   * The reader is (back) up. If it was down, the stream may have been trimmed
   * past its place meanwhile, even while the command link stayed up: it reads
   * again only after a sync has looked (and loaded the snapshot if so).
   * Otherwise its first XREAD would skip the trimmed entries without a trace.
   */
  #onReaderReady(): void {
    if (this.#epoch !== undefined) {
      this.#synced = false;
      if (this.#commands.isReady && this.#syncing === undefined) this.#onReady();
    }
    void this.#readLoop();
  }

  #onReady(): void {
    this.#syncing = this.#sync()
      .catch((error: Error) => this.#logger.warn('redis_sync_failed', { error: error.message }))
      .finally(() => {
        this.#syncing = undefined;
        if (this.#commands.isReady && this.#epoch !== undefined) this.#service?.run(this.#service.node.resume());
      });
  }

  /**
   * After every (re)connect: is this still the Redis we knew? A missing or
   * different epoch means it lost its data: start over. Otherwise carry on
   * from where we were, or from the snapshot if our place was trimmed away.
   */
  async #sync(): Promise<void> {
    await this.#commands.command(['SET', EPOCH, randomBytes(8).toString('hex'), 'NX']);
    const epoch = String(await this.#commands.command(['GET', EPOCH]));
    const known = this.#epoch;
    if (known !== undefined && epoch !== known) {
      this.#logger.warn('redis_data_lost', { epoch });
      this.#epoch = epoch;
      this.#moveTo('0-0');
      this.#synced = true;
      this.#service?.run(this.#service.node.reset());
      return;
    }
    if (known === undefined || (await this.#trimmedPast())) {
      const raw = await this.#commands.command(['GET', SNAPSHOT]);
      const snapshot = typeof raw === 'string' ? (JSON.parse(raw) as StoredSnapshot) : undefined;
      this.#epoch = epoch;
      this.#synced = true;
      if (snapshot !== undefined && snapshot.epoch === epoch) {
        this.#moveTo(snapshot.id);
        this.#service?.run(this.#service.node.load(snapshot.state));
        this.#logger.info('redis_snapshot_loaded', { id: snapshot.id, topics: snapshot.state.topics.length });
      } else if (known !== undefined) {
        this.#moveTo('0-0');
        this.#service?.run(this.#service.node.reset());
      }
    }
    this.#synced = true;
  }

  #moveTo(id: string): void {
    this.#lastId = id;
    this.#position++;
  }

  /** True when entries after our last one were trimmed before we read them. */
  async #trimmedPast(): Promise<boolean> {
    if (this.#lastId === '0-0') return false;
    const first = await this.#commands.command(['XRANGE', STREAM, '-', '+', 'COUNT', '1']);
    const id = Array.isArray(first) && Array.isArray(first[0]) ? String(first[0][0]) : undefined;
    return id !== undefined && compareIds(id, this.#lastId) > 0;
  }

  // ---- reading ------------------------------------------------------------------------

  async #readLoop(): Promise<void> {
    if (this.#reading) return;
    this.#reading = true;
    try {
      while (!this.#closed && this.#reader.isReady) {
        // Read only from a place a sync has checked (see #onReaderReady).
        if (this.#syncing !== undefined || this.#epoch === undefined || !this.#synced) {
          await (this.#syncing ?? this.#commands.whenReady().then(() => this.#syncing));
          if (this.#epoch === undefined || !this.#synced) await delay(100);
          continue;
        }
        const position = this.#position;
        const reply = await this.#reader.command(['XREAD', 'COUNT', READ_COUNT, 'BLOCK', READ_BLOCK_MS, 'STREAMS', STREAM, this.#lastId], {
          timeoutMs: READ_BLOCK_MS + STALL_TIMEOUT_MS,
        });
        // A reset or a reload moved the read position while this read was out: read again from there.
        if (this.#syncing !== undefined || !this.#synced || position !== this.#position) continue;
        if (Array.isArray(reply)) {
          const applied = this.#applyBatch(reply);
          // Under load, let entries gather a moment before the next read: one batch is applied in
          // one event-loop turn, and every connection gets one socket write per turn, so bigger
          // batches mean fewer writes per delivery (the cost of fan-out). Idle, no wait.
          if (applied > 1 && applied < READ_COUNT) await delay(READ_GATHER_MS);
        }
        this.#maybeSnapshot();
      }
    } catch (error) {
      if (!this.#closed) this.#logger.debug('redis_read_failed', { error: (error as Error).message });
    } finally {
      this.#reading = false;
    }
  }

  /** Applies one XREAD reply; returns how many entries it held. */
  #applyBatch(reply: unknown[]): number {
    const stream = reply[0] as [string, [string, string[]][]] | undefined;
    const entries = stream?.[1] ?? [];
    for (const [id, fields] of entries) {
      this.#lastId = id;
      const epoch = fieldOf(fields, 'e');
      if (epoch !== this.#epoch) continue; // a stale entry of an older epoch
      const decoded = decodeCommand(fieldOf(fields, 'c') ?? '');
      if ('unknown' in decoded) {
        this.#logger.warn('log_entry_skipped', { id, reason: decoded.unknown });
        continue;
      }
      const now = Number(id.slice(0, id.indexOf('-')));
      if (decoded.t === 'tick' && decoded.p === this.#service?.processId) {
        this.#lastOwnHeartbeatAt = Date.now();
        if (!this.#wasHealthy) {
          this.#wasHealthy = true;
          this.#logger.info('redis_ok', { epoch: this.#epoch });
        }
      }
      this.applied++;
      this.#apply(decoded, now);
    }
    return entries.length;
  }

  // ---- heartbeats and snapshots ------------------------------------------------------------

  #beat(): void {
    const service = this.#service;
    if (service === undefined || !this.available) return;
    this.append({ v: 1, t: 'tick', p: service.processId }, () => {});
  }

  /** One process (the lowest live id) writes the snapshot and trims the stream behind it. */
  #maybeSnapshot(): void {
    const service = this.#service;
    if (service === undefined || !this.available || this.#writingSnapshot || Date.now() - this.#lastSnapshotAt < SNAPSHOT_EVERY_MS) return;
    this.#lastSnapshotAt = Date.now();
    const writer = service.node.replica.stats().processes > 0 ? service.node.replica.lowestLiveProcess() : undefined;
    if (writer !== service.processId) return;
    void this.#writeSnapshot(service.node.replica.captureSnapshot(), this.#epoch!, this.#lastId);
  }

  /**
   * Turns a captured snapshot into JSON a topic at a time, letting the event
   * loop run between slices: with a large history (200,000 stored messages
   * make about 50 MB) one JSON.stringify would stop this process for a few
   * hundred milliseconds, and every user's messages with it. Then stores it
   * and trims the stream behind it.
   */
  async #writeSnapshot(captured: CapturedSnapshot, epoch: string, id: string): Promise<void> {
    this.#writingSnapshot = true;
    try {
      const parts = [Buffer.from(`{"epoch":${JSON.stringify(epoch)},"id":${JSON.stringify(id)},"state":`)];
      let sliceStart = performance.now();
      for (const piece of snapshotJson(captured)) {
        parts.push(Buffer.from(piece));
        if (performance.now() - sliceStart >= SNAPSHOT_SLICE_MS) {
          await nextTurn();
          sliceStart = performance.now();
        }
      }
      parts.push(Buffer.from('}'));
      if (this.#closed) return;
      await this.#commands.command(['SET', SNAPSHOT, Buffer.concat(parts)]);
      const trimBefore = Math.max(0, Number(id.split('-')[0]) - TRIM_BEHIND_SNAPSHOT_MS);
      await this.#commands.command(['XTRIM', STREAM, 'MINID', '~', String(trimBefore)]);
    } catch {
      // Not written this time (Redis away): the next one will be.
    } finally {
      this.#writingSnapshot = false;
    }
  }
}

interface StoredSnapshot {
  epoch: string;
  /** The last stream entry the state reflects. */
  id: string;
  state: ReplicaSnapshot;
}

function fieldOf(fields: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

function compareIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am === bm ? as - bs : am - bm;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
