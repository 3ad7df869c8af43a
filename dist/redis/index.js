/** A dependency-free Redis client: RESP2 codec, URL parsing, and a self-healing connection. */
export { RedisConnection } from "./client.js";
export { RedisReplyError, RedisUnavailableError, RedisUrlError, RespProtocolError } from "./errors.js";
export { encodeCommand, RespParser } from "./resp.js";
export { DEFAULT_REDIS_PORT, parseRedisUrl } from "./url.js";
