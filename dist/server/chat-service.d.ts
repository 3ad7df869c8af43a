import type { Command } from '../chat/commands.ts';
import { ChatNode, type CommandLog, type LocalEffect } from '../chat/node.ts';
import type { WebSocketServer } from '../websocket/server.ts';
import type { Logger } from './logger.ts';
import type { ServerOptions } from './options.ts';
import type { ServerMetrics } from './server-metrics.ts';
/**
 * Frames of at least this many bytes are compressed for clients that
 * negotiated permessage-deflate: below it, zlib's own overhead and CPU cost
 * buy almost nothing. A welcome is always compressed.
 */
export declare const COMPRESS_THRESHOLD = 1024;
export interface ChatService {
    readonly node: ChatNode;
    readonly processId: string;
    /** Applies a command from the log (the log calls this). */
    apply(command: Command, now: number): void;
    /** Carries out effects produced outside a connection's call. */
    run(effects: LocalEffect[]): void;
    /** Closes every connection's membership at once (one `stop` command), then stops the timer. */
    stop(): void;
}
export declare function createChatService(options: ServerOptions, logger: Logger, sockets: WebSocketServer, metrics: ServerMetrics | undefined, makeLog: (apply: (command: Command, now: number) => void) => CommandLog): ChatService;
