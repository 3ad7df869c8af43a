import { type Command } from '../chat/commands.ts';
import type { CommandLog } from '../chat/node.ts';
import { type RedisAddress } from '../redis/url.ts';
import type { Logger } from '../server/logger.ts';
import type { ChatService } from '../server/chat-service.ts';
export declare class RedisLog implements CommandLog {
    #private;
    readonly local = false;
    readonly address: RedisAddress;
    /** Commands applied and reconnects, for /metrics. */
    applied: number;
    reconnects: number;
    /** Throws a RedisUrlError for a URL that is not `redis://` or `rediss://` with a database number. */
    constructor(url: string, logger: Logger, apply: (command: Command, now: number) => void);
    /** Appends can succeed: connected, and the epoch of this connection's Redis is known. */
    get available(): boolean;
    /** Connected, reading, and registered: this process's own heartbeats come back. */
    get healthy(): boolean;
    /** Age of the newest entry applied, in ms (silent loss of delivery shows here). */
    lastAppliedAgeMs(): number;
    start(service: ChatService): void;
    append(command: Command, onFailed: () => void): void;
    /** Waits (at most `timeoutMs`) for the appends in flight. */
    flush(timeoutMs: number): Promise<void>;
    close(): Promise<void>;
}
