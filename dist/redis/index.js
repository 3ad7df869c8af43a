export { RedisConnection } from "./client.js";
export { RedisReplyError, RedisUnavailableError, RedisUrlError, RespProtocolError } from "./errors.js";
export { encodeCommand, RespParser } from "./resp.js";
export { DEFAULT_REDIS_PORT, parseRedisUrl } from "./url.js";
