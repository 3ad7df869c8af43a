/** A dependency-free Redis client: RESP2 codec, URL parsing, and a self-healing connection. */
export { RedisConnection, type CommandOptions, type ReconnectInfo, type RedisConnectionEvents, type RedisConnectionOptions, type RedisConnectionState } from './client.ts';
export { RedisReplyError, RedisUnavailableError, RedisUrlError, RespProtocolError } from './errors.ts';
export { encodeCommand, RespParser, type RedisArg, type RedisReply, type RespParserOptions } from './resp.ts';
export { DEFAULT_REDIS_PORT, parseRedisUrl, type RedisAddress } from './url.ts';
