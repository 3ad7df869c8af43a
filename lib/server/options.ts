/**
 * The chat server's options: command-line flags (node:util parseArgs), each
 * with an environment variable behind it; the flag wins. Names and defaults
 * follow the options table of the chat protocol contract.
 */
import { parseArgs } from 'node:util';
import { LOG_LEVELS, type LogLevel } from './logger.ts';

export interface ServerOptions {
  port: number;
  /** undefined: every interface (Node listens on :: and, where there is no IPv6, 0.0.0.0). */
  host: string | undefined;
  messageTtl: number;
  idleTimeout: number;
  joinTimeout: number;
  maxMessageLength: number;
  maxPayload: number;
  heartbeat: number;
  handshakeTimeout: number;
  rateLimit: number;
  maxBuffered: number;
  /** undefined: the server's own origin only (plus requests without Origin); ['*']: any. */
  allowedOrigins: string[] | undefined;
  maxConnections: number;
  maxConnectionsPerIp: number;
  tlsCert: string | undefined;
  tlsKey: string | undefined;
  logLevel: LogLevel;
}

interface NumberOption {
  env: string;
  default: number;
  min: number;
  max?: number;
  integer?: boolean;
  help: string;
}

const NUMBER_OPTIONS = {
  port: { env: 'PORT', default: 8000, min: 0, max: 65535, integer: true, help: 'TCP port' },
  'message-ttl': { env: 'MESSAGE_TTL', default: 30, min: 0.001, help: 'seconds a message is kept' },
  'idle-timeout': { env: 'IDLE_TIMEOUT', default: 0, min: 0, help: 'seconds without chat frames before a joined client is closed (0 = off)' },
  'join-timeout': { env: 'JOIN_TIMEOUT', default: 30, min: 0, help: 'seconds a connection may stay unjoined (0 = off)' },
  'max-message-length': { env: 'MAX_MESSAGE_LENGTH', default: 2000, min: 1, integer: true, help: 'characters in one chat message' },
  'max-payload': { env: 'MAX_PAYLOAD', default: 65536, min: 125, integer: true, help: 'bytes in one WebSocket message (1009 beyond it)' },
  heartbeat: { env: 'HEARTBEAT', default: 30, min: 0, help: 'seconds between pings; silent connections are dropped (0 = off)' },
  'handshake-timeout': { env: 'HANDSHAKE_TIMEOUT', default: 10, min: 0, help: 'seconds to complete the upgrade request (0 = off)' },
  'rate-limit': { env: 'RATE_LIMIT', default: 50, min: 0, help: 'chat frames per second per connection, burst 2x (0 = off)' },
  'max-buffered': { env: 'MAX_BUFFERED', default: 1048576, min: 0, integer: true, help: 'bytes of unsent output per connection (0 = no cap)' },
  'max-connections': { env: 'MAX_CONNECTIONS', default: 20000, min: 0, integer: true, help: 'open WebSocket connections (0 = no limit)' },
  'max-connections-per-ip': { env: 'MAX_CONNECTIONS_PER_IP', default: 100, min: 0, integer: true, help: 'open WebSocket connections per address (0 = off)' },
} satisfies Record<string, NumberOption>;

type NumberOptionName = keyof typeof NUMBER_OPTIONS;

const STRING_OPTIONS = {
  host: { env: 'HOST', help: 'address to bind (default: all interfaces)' },
  'allowed-origins': { env: 'ALLOWED_ORIGINS', help: "comma list of origins allowed to connect, '*' for any (default: the server's own)" },
  'tls-cert': { env: 'TLS_CERT', help: 'PEM certificate file: serve HTTPS and wss://' },
  'tls-key': { env: 'TLS_KEY', help: 'PEM private key file for --tls-cert' },
  'log-level': { env: 'LOG_LEVEL', help: 'debug, info (default), warn or error' },
} as const;

type StringOptionName = keyof typeof STRING_OPTIONS;

export class OptionsError extends Error {}

export function usage(): string {
  const lines = ['usage: node bin/server.js [options]', '', 'options (environment variable in brackets; the option wins):'];
  for (const [name, o] of Object.entries(NUMBER_OPTIONS) as [string, NumberOption][]) {
    lines.push(`  --${name.padEnd(24)} [${o.env}] ${o.help} (default ${o.default})`);
  }
  for (const [name, o] of Object.entries(STRING_OPTIONS)) {
    lines.push(`  --${name.padEnd(24)} [${o.env}] ${o.help}`);
  }
  lines.push(`  --${'help'.padEnd(24)} this text`);
  return lines.join('\n');
}

/** Parses flags and environment. Throws OptionsError with a message for the user. */
export function parseServerOptions(argv: string[], env: NodeJS.ProcessEnv): ServerOptions | 'help' {
  const spec: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } };
  for (const name of [...Object.keys(NUMBER_OPTIONS), ...Object.keys(STRING_OPTIONS)]) spec[name] = { type: 'string' };
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options: spec, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new OptionsError((error as Error).message);
  }
  if (values.help) return 'help';

  const number = (name: NumberOptionName): number => {
    const o: NumberOption = NUMBER_OPTIONS[name];
    const raw = (values[name] as string | undefined) ?? env[o.env];
    if (raw === undefined || raw === '') return o.default;
    const value = Number(raw);
    const source = values[name] !== undefined ? `--${name}` : o.env;
    if (raw.trim() === '' || !Number.isFinite(value)) throw new OptionsError(`${source} must be a number, got ${JSON.stringify(raw)}`);
    if (o.integer && !Number.isInteger(value)) throw new OptionsError(`${source} must be an integer, got ${raw}`);
    if (value < o.min || (o.max !== undefined && value > o.max)) {
      throw new OptionsError(`${source} must be between ${o.min} and ${o.max ?? 'infinity'}, got ${raw}`);
    }
    return value;
  };
  const string = (name: StringOptionName): string | undefined => {
    const raw = (values[name] as string | undefined) ?? env[STRING_OPTIONS[name].env];
    return raw === undefined || raw === '' ? undefined : raw;
  };

  const logLevel = (string('log-level') ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new OptionsError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(logLevel)}`);
  }
  const tlsCert = string('tls-cert');
  const tlsKey = string('tls-key');
  if ((tlsCert === undefined) !== (tlsKey === undefined)) throw new OptionsError('--tls-cert and --tls-key go together');
  const origins = string('allowed-origins');

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
    allowedOrigins: origins === undefined ? undefined : origins.split(',').map((o) => o.trim()).filter((o) => o.length > 0),
    maxConnections: number('max-connections'),
    maxConnectionsPerIp: number('max-connections-per-ip'),
    tlsCert,
    tlsKey,
    logLevel: logLevel as LogLevel,
  };
}

/** The defaults, for tests and embedding. */
export function defaultServerOptions(overrides: Partial<ServerOptions> = {}): ServerOptions {
  const parsed = parseServerOptions([], {});
  if (parsed === 'help') throw new Error('unreachable');
  return { ...parsed, ...overrides };
}
