export class RedisReplyError extends Error {
    code;
    constructor(message) {
        super(message);
        this.name = 'RedisReplyError';
        const firstWord = /^([A-Z][A-Z0-9_]*)(?:\s|$)/.exec(message);
        this.code = firstWord ? firstWord[1] : 'ERR';
    }
}
export class RedisUnavailableError extends Error {
    maybeExecuted;
    constructor(message, maybeExecuted, cause) {
        super(message, cause === undefined ? undefined : { cause });
        this.name = 'RedisUnavailableError';
        this.maybeExecuted = maybeExecuted;
    }
}
export class RespProtocolError extends Error {
    constructor(message) {
        super(message);
        this.name = 'RespProtocolError';
    }
}
export class RedisUrlError extends Error {
    constructor(message) {
        super(message);
        this.name = 'RedisUrlError';
    }
}
