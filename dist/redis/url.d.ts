export interface RedisAddress {
    host: string;
    port: number;
    username?: string;
    password?: string;
    db: number;
    tls: boolean;
}
export declare const DEFAULT_REDIS_PORT = 6379;
export declare function parseRedisUrl(text: string): RedisAddress;
