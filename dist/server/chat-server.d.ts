import { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChatCore } from '../chat/core.ts';
import { WebSocketServer } from '../websocket/server.ts';
import type { Logger } from './logger.ts';
import type { ServerOptions } from './options.ts';
export declare const WEB_ROOT: string;
export interface ChatServer {
    readonly http: Server;
    readonly sockets: WebSocketServer;
    readonly core: ChatCore;
    /** Starts listening; resolves with the bound address. */
    listen(): Promise<AddressInfo>;
    /** Stops accepting, closes every connection with 1001, then the server. */
    shutdown(timeoutMs?: number): Promise<void>;
}
export declare function createChatServer(options: ServerOptions, logger: Logger, webRoot?: string): ChatServer;
