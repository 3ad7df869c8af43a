import { randomBytes } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { decodeCommand } from "../chat/commands.js";
import { snapshotJson } from "../chat/snapshot.js";
import { RedisConnection } from "../redis/client.js";
import { parseRedisUrl } from "../redis/url.js";
const STREAM = 'wschat:log';
const EPOCH = 'wschat:epoch';
const SNAPSHOT = 'wschat:snapshot';
const HEARTBEAT_MS = 1000;
const SNAPSHOT_EVERY_MS = 5000;
const SNAPSHOT_SLICE_MS = 5;
const TRIM_BEHIND_SNAPSHOT_MS = 30_000;
const READ_BLOCK_MS = 1000;
const READ_COUNT = 1000;
const READ_GATHER_MS = 10;
const HEALTHY_WITHIN_MS = 3 * HEARTBEAT_MS;
const STALL_TIMEOUT_MS = 4000;
export class RedisLog {
    local = false;
    address;
    #logger;
    #apply;
    #commands;
    #reader;
    #service;
    #epoch;
    #lastId = '0-0';
    #position = 0;
    #lastOwnHeartbeatAt = 0;
    #reading = false;
    #closed = false;
    #wasHealthy = false;
    #pending = new Set();
    #heartbeat;
    #lastSnapshotAt = 0;
    #writingSnapshot = false;
    #syncing;
    #synced = false;
    applied = 0;
    reconnects = 0;
    constructor(url, logger, apply) {
        this.address = parseRedisUrl(url);
        this.#logger = logger;
        this.#apply = apply;
        const options = { stallTimeoutMs: STALL_TIMEOUT_MS };
        this.#commands = new RedisConnection(this.address, options);
        this.#reader = new RedisConnection(this.address, { ...options, pingIntervalMs: 0 });
    }
    get available() {
        return this.#commands.isReady && this.#synced;
    }
    get healthy() {
        return this.available && this.#reader.isReady && Date.now() - this.#lastOwnHeartbeatAt < HEALTHY_WITHIN_MS;
    }
    lastAppliedAgeMs() {
        const ms = Number(this.#lastId.split('-')[0]);
        return ms > 0 ? Math.max(0, Date.now() - ms) : -1;
    }
    start(service) {
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
    append(command, onFailed) {
        if (!this.available || this.#closed) {
            queueMicrotask(onFailed);
            return;
        }
        const fields = ['XADD', STREAM, '*', 'e', this.#epoch, 'c', JSON.stringify(command)];
        const write = this.#commands.command(fields).then(() => undefined, () => onFailed());
        this.#pending.add(write);
        void write.finally(() => this.#pending.delete(write));
    }
    async flush(timeoutMs) {
        let timer;
        await Promise.race([Promise.allSettled([...this.#pending]), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
        clearTimeout(timer);
    }
    async close() {
        this.#closed = true;
        if (this.#heartbeat)
            clearInterval(this.#heartbeat);
        await Promise.allSettled([this.#commands.close(), this.#reader.close()]);
    }
    #onDown(error) {
        this.#synced = false;
        this.#lastOwnHeartbeatAt = 0;
        if (this.#wasHealthy || this.#epoch !== undefined)
            this.#logger.warn('redis_down', { error: error.message });
        this.#wasHealthy = false;
    }
    #onReaderReady() {
        if (this.#epoch !== undefined) {
            this.#synced = false;
            if (this.#commands.isReady && this.#syncing === undefined)
                this.#onReady();
        }
        void this.#readLoop();
    }
    #onReady() {
        this.#syncing = this.#sync()
            .catch((error) => this.#logger.warn('redis_sync_failed', { error: error.message }))
            .finally(() => {
            this.#syncing = undefined;
            if (this.#commands.isReady && this.#epoch !== undefined)
                this.#service?.run(this.#service.node.resume());
        });
    }
    async #sync() {
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
            const snapshot = typeof raw === 'string' ? JSON.parse(raw) : undefined;
            this.#epoch = epoch;
            this.#synced = true;
            if (snapshot !== undefined && snapshot.epoch === epoch) {
                this.#moveTo(snapshot.id);
                this.#service?.run(this.#service.node.load(snapshot.state));
                this.#logger.info('redis_snapshot_loaded', { id: snapshot.id, topics: snapshot.state.topics.length });
            }
            else if (known !== undefined) {
                this.#moveTo('0-0');
                this.#service?.run(this.#service.node.reset());
            }
        }
        this.#synced = true;
    }
    #moveTo(id) {
        this.#lastId = id;
        this.#position++;
    }
    async #trimmedPast() {
        if (this.#lastId === '0-0')
            return false;
        const first = await this.#commands.command(['XRANGE', STREAM, '-', '+', 'COUNT', '1']);
        const id = Array.isArray(first) && Array.isArray(first[0]) ? String(first[0][0]) : undefined;
        return id !== undefined && compareIds(id, this.#lastId) > 0;
    }
    async #readLoop() {
        if (this.#reading)
            return;
        this.#reading = true;
        try {
            while (!this.#closed && this.#reader.isReady) {
                if (this.#syncing !== undefined || this.#epoch === undefined || !this.#synced) {
                    await (this.#syncing ?? this.#commands.whenReady().then(() => this.#syncing));
                    if (this.#epoch === undefined || !this.#synced)
                        await delay(100);
                    continue;
                }
                const position = this.#position;
                const reply = await this.#reader.command(['XREAD', 'COUNT', READ_COUNT, 'BLOCK', READ_BLOCK_MS, 'STREAMS', STREAM, this.#lastId], {
                    timeoutMs: READ_BLOCK_MS + STALL_TIMEOUT_MS,
                });
                if (this.#syncing !== undefined || !this.#synced || position !== this.#position)
                    continue;
                if (Array.isArray(reply)) {
                    const applied = this.#applyBatch(reply);
                    if (applied > 1 && applied < READ_COUNT)
                        await delay(READ_GATHER_MS);
                }
                this.#maybeSnapshot();
            }
        }
        catch (error) {
            if (!this.#closed)
                this.#logger.debug('redis_read_failed', { error: error.message });
        }
        finally {
            this.#reading = false;
        }
    }
    #applyBatch(reply) {
        const stream = reply[0];
        const entries = stream?.[1] ?? [];
        for (const [id, fields] of entries) {
            this.#lastId = id;
            const epoch = fieldOf(fields, 'e');
            if (epoch !== this.#epoch)
                continue;
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
    #beat() {
        const service = this.#service;
        if (service === undefined || !this.available)
            return;
        this.append({ v: 1, t: 'tick', p: service.processId }, () => { });
    }
    #maybeSnapshot() {
        const service = this.#service;
        if (service === undefined || !this.available || this.#writingSnapshot || Date.now() - this.#lastSnapshotAt < SNAPSHOT_EVERY_MS)
            return;
        this.#lastSnapshotAt = Date.now();
        const writer = service.node.replica.stats().processes > 0 ? service.node.replica.lowestLiveProcess() : undefined;
        if (writer !== service.processId)
            return;
        void this.#writeSnapshot(service.node.replica.captureSnapshot(), this.#epoch, this.#lastId);
    }
    async #writeSnapshot(captured, epoch, id) {
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
            if (this.#closed)
                return;
            await this.#commands.command(['SET', SNAPSHOT, Buffer.concat(parts)]);
            const trimBefore = Math.max(0, Number(id.split('-')[0]) - TRIM_BEHIND_SNAPSHOT_MS);
            await this.#commands.command(['XTRIM', STREAM, 'MINID', '~', String(trimBefore)]);
        }
        catch {
        }
        finally {
            this.#writingSnapshot = false;
        }
    }
}
function fieldOf(fields, name) {
    for (let i = 0; i + 1 < fields.length; i += 2)
        if (fields[i] === name)
            return fields[i + 1];
    return undefined;
}
function compareIds(a, b) {
    const [am = 0, as = 0] = a.split('-').map(Number);
    const [bm = 0, bs = 0] = b.split('-').map(Number);
    return am === bm ? as - bs : am - bm;
}
function delay(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
