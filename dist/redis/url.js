import { RedisUrlError } from "./errors.js";
export const DEFAULT_REDIS_PORT = 6379;
export function parseRedisUrl(text) {
    let url;
    try {
        url = new URL(text);
    }
    catch {
        throw new RedisUrlError(`cannot parse the Redis URL ${JSON.stringify(text.replace(/\/\/[^/]*@/, '//***@'))}; expected redis://[[user]:password@]host[:port][/db]`);
    }
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
        throw new RedisUrlError(`the Redis URL must start with redis:// or rediss://, not ${url.protocol}//`);
    }
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    if (host === '')
        throw new RedisUrlError(`the Redis URL ${JSON.stringify(redact(url))} has no host`);
    const port = url.port === '' ? DEFAULT_REDIS_PORT : Number(url.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535)
        throw new RedisUrlError(`invalid port in the Redis URL: ${url.port}`);
    if (url.search !== '' || url.hash !== '') {
        throw new RedisUrlError(`the Redis URL ${JSON.stringify(redact(url))} has a query or fragment; only redis://[[user]:password@]host[:port][/db] is understood`);
    }
    const path = url.pathname;
    if (path !== '' && path !== '/' && !/^\/\d{1,9}$/.test(path)) {
        throw new RedisUrlError(`the path of the Redis URL must be a database number such as /0, not ${JSON.stringify(path)}`);
    }
    const db = path.length > 1 ? Number(path.slice(1)) : 0;
    const username = decodeUserInfo(url.username, 'user name');
    const password = decodeUserInfo(url.password, 'password');
    if (username !== undefined && password === undefined) {
        throw new RedisUrlError('the Redis URL names a user without a password; write redis://user:password@host');
    }
    const address = { host, port, db, tls: url.protocol === 'rediss:' };
    if (username !== undefined)
        address.username = username;
    if (password !== undefined)
        address.password = password;
    return address;
}
function decodeUserInfo(encoded, what) {
    if (encoded === '')
        return undefined;
    try {
        return decodeURIComponent(encoded);
    }
    catch {
        throw new RedisUrlError(`the ${what} in the Redis URL has an invalid percent-encoding`);
    }
}
function redact(url) {
    const copy = new URL(url.href);
    if (copy.password !== '')
        copy.password = '***';
    return copy.href;
}
