import { parseArgs } from 'node:util';
import { LOG_LEVELS } from "./logger.js";
import { originTuple } from "./origin.js";
import { trustedProxies } from "./proxy.js";
const MAX_TIMER_SECONDS = (2 ** 31 - 1) / 1000;
const NUMBER_OPTIONS = {
    port: { env: 'PORT', default: 8000, min: 0, max: 65535, integer: true, help: 'TCP port' },
    'message-ttl': { env: 'MESSAGE_TTL', default: 30, min: 0.001, seconds: true, help: 'seconds a message is kept' },
    'idle-timeout': { env: 'IDLE_TIMEOUT', default: 0, min: 0, seconds: true, help: 'seconds without chat frames before a joined client is closed (0 = off)' },
    'join-timeout': { env: 'JOIN_TIMEOUT', default: 30, min: 0, seconds: true, help: 'seconds a connection may stay unjoined (0 = off)' },
    'max-message-length': { env: 'MAX_MESSAGE_LENGTH', default: 2000, min: 1, integer: true, help: 'characters in one chat message' },
    'max-payload': { env: 'MAX_PAYLOAD', default: 65536, min: 125, integer: true, help: 'bytes in one WebSocket message (1009 beyond it)' },
    heartbeat: { env: 'HEARTBEAT', default: 30, min: 0, seconds: true, help: 'seconds between pings; silent connections are dropped (0 = off)' },
    'handshake-timeout': { env: 'HANDSHAKE_TIMEOUT', default: 10, min: 0, seconds: true, help: 'seconds to complete the upgrade request, and any HTTP request (0 = off for upgrades)' },
    'rate-limit': { env: 'RATE_LIMIT', default: 50, min: 0, help: 'chat frames per second per connection, burst 2x (0 = off)' },
    'max-buffered': { env: 'MAX_BUFFERED', default: 1048576, min: 0, integer: true, help: 'bytes of unsent output per connection (0 = no cap)' },
    'max-connections': { env: 'MAX_CONNECTIONS', default: 20000, min: 0, integer: true, help: 'open WebSocket connections (0 = no limit)' },
    'max-connections-per-ip': { env: 'MAX_CONNECTIONS_PER_IP', default: 100, min: 0, integer: true, help: 'open WebSocket connections per address, IPv6 by /64 (0 = off)' },
    'max-http-connections': { env: 'MAX_HTTP_CONNECTIONS', default: 1000, min: 0, integer: true, help: 'open plain HTTP connections, not yet upgraded (0 = no limit)' },
    'max-http-connections-per-ip': { env: 'MAX_HTTP_CONNECTIONS_PER_IP', default: 100, min: 0, integer: true, help: 'open plain HTTP connections per address (0 = off)' },
    'resume-window': { env: 'RESUME_WINDOW', default: 60, min: 0, seconds: true, help: 'seconds a dropped session may be resumed (0 = off)' },
    'resume-grace': { env: 'RESUME_GRACE', default: 0, min: 0, seconds: true, help: 'seconds after a drop before others see the user leave (at most --resume-window)' },
};
const STRING_OPTIONS = {
    host: { env: 'HOST', help: 'address to bind (default: all interfaces)' },
    'allowed-origins': { env: 'ALLOWED_ORIGINS', help: "comma list of origins allowed to connect, '*' for any (default: the server's own)" },
    'trust-proxy': { env: 'TRUST_PROXY', help: "comma list of proxy addresses or CIDR blocks, or 'loopback', whose X-Forwarded-For is believed" },
    redis: { env: 'REDIS_URL', help: 'redis://host:port of the Redis that joins servers into a cluster (default: none)' },
    'tls-cert': { env: 'TLS_CERT', help: 'PEM certificate file: serve HTTPS and wss://' },
    'tls-key': { env: 'TLS_KEY', help: 'PEM private key file for --tls-cert' },
    'log-level': { env: 'LOG_LEVEL', help: 'debug (per-frame detail), info (default), warn or error' },
};
const BOOLEAN_OPTIONS = {
    'no-deflate': { env: 'DEFLATE', help: 'refuse permessage-deflate (DEFLATE=off does the same)' },
};
export class OptionsError extends Error {
}
export function usage() {
    const lines = ['usage: node bin/server.js [options]', '', 'options (environment variable in brackets; the option wins):'];
    for (const [name, o] of Object.entries(NUMBER_OPTIONS)) {
        lines.push(`  --${name.padEnd(28)} [${o.env}] ${o.help} (default ${o.default})`);
    }
    for (const [name, o] of [...Object.entries(STRING_OPTIONS), ...Object.entries(BOOLEAN_OPTIONS)]) {
        lines.push(`  --${name.padEnd(28)} [${o.env}] ${o.help}`);
    }
    lines.push(`  --${'help'.padEnd(28)} this text`);
    return lines.join('\n');
}
function joinNegativeNumbers(argv) {
    const out = [];
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const next = argv[i + 1];
        const name = arg.startsWith('--') ? arg.slice(2) : '';
        if ((name in NUMBER_OPTIONS || name in STRING_OPTIONS) && next !== undefined && /^-(\d|\.\d|Infinity)/.test(next)) {
            out.push(`${arg}=${next}`);
            i++;
        }
        else {
            out.push(arg);
        }
    }
    return out;
}
function parseArgsMessage(error) {
    const unknown = /Unknown option '([^']+)'/.exec(error.message);
    if (unknown)
        return `unknown option ${unknown[1]} (--help lists them)`;
    const missing = /Option '(--[a-z-]+)[^']*' argument missing/.exec(error.message);
    if (missing)
        return `${missing[1]} needs a value`;
    const ambiguous = /Option '(--[a-z-]+)[^']*' argument is ambiguous/.exec(error.message);
    if (ambiguous)
        return `${ambiguous[1]} needs a value, not another option (write ${ambiguous[1]}=VALUE for a value starting with -)`;
    const unexpected = /Unexpected argument '([^']+)'/.exec(error.message);
    if (unexpected)
        return `unexpected argument ${JSON.stringify(unexpected[1])}: options start with --`;
    return error.message;
}
export function parseServerOptions(argv, env) {
    const spec = { help: { type: 'boolean' } };
    for (const name of [...Object.keys(NUMBER_OPTIONS), ...Object.keys(STRING_OPTIONS)])
        spec[name] = { type: 'string' };
    for (const name of Object.keys(BOOLEAN_OPTIONS))
        spec[name] = { type: 'boolean' };
    let values;
    try {
        ({ values } = parseArgs({ args: joinNegativeNumbers(argv), options: spec, strict: true, allowPositionals: false }));
    }
    catch (error) {
        throw new OptionsError(parseArgsMessage(error));
    }
    if (values.help)
        return 'help';
    const number = (name) => {
        const o = NUMBER_OPTIONS[name];
        const raw = values[name] ?? env[o.env];
        if (raw === undefined || raw === '')
            return o.default;
        const value = Number(raw);
        const source = values[name] !== undefined ? `--${name}` : o.env;
        if (raw.trim() === '' || !Number.isFinite(value))
            throw new OptionsError(`${source} must be a number, got ${JSON.stringify(raw)}`);
        if (value < 0 && o.min >= 0)
            throw new OptionsError(`${source} cannot be negative, got ${raw}${o.min === 0 ? ' (0 turns it off)' : ''}`);
        if (o.integer && !Number.isInteger(value))
            throw new OptionsError(`${source} must be a whole number, got ${raw}`);
        if (value < o.min)
            throw new OptionsError(`${source} must be at least ${o.min}, got ${raw}`);
        if (o.max !== undefined && value > o.max)
            throw new OptionsError(`${source} must be at most ${o.max}, got ${raw}`);
        if (o.seconds && value > MAX_TIMER_SECONDS) {
            throw new OptionsError(`${source} must be at most ${MAX_TIMER_SECONDS} seconds (about 24.8 days, the longest timer Node can set), got ${raw}`);
        }
        return value;
    };
    const string = (name) => {
        const raw = values[name] ?? env[STRING_OPTIONS[name].env];
        return raw === undefined || raw === '' ? undefined : raw;
    };
    const sourceOf = (name) => (values[name] !== undefined ? `--${name}` : STRING_OPTIONS[name].env);
    const list = (name) => string(name)
        ?.split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry.length > 0);
    const logLevel = (string('log-level') ?? 'info').toLowerCase();
    if (!LOG_LEVELS.includes(logLevel)) {
        throw new OptionsError(`${sourceOf('log-level')} must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(logLevel)}`);
    }
    const tlsCert = string('tls-cert');
    const tlsKey = string('tls-key');
    if ((tlsCert === undefined) !== (tlsKey === undefined))
        throw new OptionsError('--tls-cert and --tls-key (TLS_CERT, TLS_KEY) go together');
    const origins = list('allowed-origins');
    for (const origin of origins ?? []) {
        if (origin !== '*' && originTuple(origin) === undefined) {
            throw new OptionsError(`${sourceOf('allowed-origins')}: ${JSON.stringify(origin)} is not an origin (scheme://host[:port], e.g. https://chat.example.com)`);
        }
    }
    const trustProxy = list('trust-proxy') ?? [];
    try {
        trustedProxies(trustProxy);
    }
    catch (error) {
        throw new OptionsError(`${sourceOf('trust-proxy')}: ${error.message}`);
    }
    const resumeWindow = number('resume-window');
    const resumeGrace = number('resume-grace');
    if (resumeGrace > resumeWindow) {
        throw new OptionsError(`--resume-grace (RESUME_GRACE) must not exceed --resume-window (RESUME_WINDOW): ${resumeGrace} > ${resumeWindow}`);
    }
    return {
        port: number('port'),
        host: string('host'),
        messageTtl: number('message-ttl'),
        idleTimeout: number('idle-timeout'),
        joinTimeout: number('join-timeout'),
        maxMessageLength: number('max-message-length'),
        maxPayload: number('max-payload'),
        heartbeat: number('heartbeat'),
        handshakeTimeout: number('handshake-timeout'),
        rateLimit: number('rate-limit'),
        maxBuffered: number('max-buffered'),
        allowedOrigins: origins,
        maxConnections: number('max-connections'),
        maxConnectionsPerIp: number('max-connections-per-ip'),
        maxHttpConnections: number('max-http-connections'),
        maxHttpConnectionsPerIp: number('max-http-connections-per-ip'),
        resumeWindow,
        resumeGrace,
        deflate: values['no-deflate'] === true ? false : deflateFromEnv(env.DEFLATE),
        redis: string('redis'),
        trustProxy,
        tlsCert,
        tlsKey,
        logLevel: logLevel,
    };
}
function deflateFromEnv(raw) {
    const value = (raw ?? '').trim().toLowerCase();
    if (value === '' || ['on', '1', 'true', 'yes'].includes(value))
        return true;
    if (['off', '0', 'false', 'no'].includes(value))
        return false;
    throw new OptionsError(`DEFLATE must be on or off, got ${JSON.stringify(raw)}`);
}
export function defaultServerOptions(overrides = {}) {
    const parsed = parseServerOptions([], {});
    if (parsed === 'help')
        throw new Error('unreachable');
    return { ...parsed, ...overrides };
}
