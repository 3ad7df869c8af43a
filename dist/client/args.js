import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
export const DEFAULT_URL = 'ws://localhost:8000/ws';
export const DEFAULT_KEEPALIVE = 30;
export const USAGE = `usage: wschat-client [username] [topic] [--url URL] [--ca FILE | --insecure]

Chat on a wschat server. Missing names are asked for when standard input is a
terminal; otherwise both are required.

  --url, -u URL      server WebSocket URL (default ${DEFAULT_URL})
  --ca FILE          trust this CA certificate (PEM) for wss://, e.g. a
                     self-signed server certificate
  --insecure         wss:// without checking the server's certificate
                     (anyone on the path can read and change the chat)
  --keepalive SECS   ping the server this often and reconnect when a ping
                     goes unanswered (default ${DEFAULT_KEEPALIVE}, 0 = off)
  --help, -h         show this help

Interactive: type a line to send it. /help lists the commands; Ctrl-D or /quit
exits. After a dropped connection the client reconnects by itself and resumes:
same name, the messages sent meanwhile shown once.

Piped (stdin not a terminal): the join is sent first, then each input line as a
message (lines starting with / as commands). Every server frame is printed on
stdout as one JSON line (a message frame never twice, also across reconnects);
diagnostics go to stderr. Exit codes: 0 after a normal close, 1 if the
connection failed or was closed by the server, 2 for bad arguments.`;
export const SHORT_USAGE = `${USAGE.split('\n', 1)[0]}\n(--help for more)`;
export class UsageError extends Error {
    name = 'UsageError';
}
export function parseCliArgs(argv, readFile = (path) => readFileSync(path, 'utf8')) {
    let parsed;
    try {
        parsed = parseArgs({
            args: [...argv],
            allowPositionals: true,
            strict: true,
            options: {
                url: { type: 'string', short: 'u' },
                ca: { type: 'string' },
                insecure: { type: 'boolean' },
                keepalive: { type: 'string' },
                help: { type: 'boolean', short: 'h' },
            },
        });
    }
    catch (error) {
        throw new UsageError(error instanceof Error ? error.message : String(error));
    }
    const { values, positionals } = parsed;
    if (values.help)
        return 'help';
    if (positionals.length > 2) {
        throw new UsageError(`too many arguments: ${positionals.slice(2).join(' ')}`);
    }
    const url = values.url ?? DEFAULT_URL;
    let target;
    try {
        target = new URL(url);
    }
    catch {
        throw new UsageError(`invalid --url: ${url}`);
    }
    if (target.protocol !== 'ws:' && target.protocol !== 'wss:') {
        throw new UsageError(`--url must start with ws:// or wss://, got ${url}`);
    }
    if (values.ca !== undefined && values.insecure)
        throw new UsageError('--ca and --insecure exclude each other');
    if ((values.ca !== undefined || values.insecure) && target.protocol !== 'wss:') {
        throw new UsageError(`${values.insecure ? '--insecure' : '--ca'} is for wss:// URLs, got ${url}`);
    }
    let ca;
    if (values.ca !== undefined) {
        try {
            ca = readFile(values.ca);
        }
        catch (error) {
            throw new UsageError(`cannot read --ca ${values.ca}: ${error instanceof Error ? error.message : String(error)}`);
        }
        if (!ca.includes('-----BEGIN CERTIFICATE-----'))
            throw new UsageError(`--ca ${values.ca} holds no PEM certificate`);
    }
    let keepaliveMs = DEFAULT_KEEPALIVE * 1000;
    if (values.keepalive !== undefined) {
        const seconds = Number(values.keepalive);
        if (values.keepalive.trim() === '' || !Number.isFinite(seconds) || seconds < 0) {
            throw new UsageError(`--keepalive must be a number of seconds, 0 or more, got ${values.keepalive}`);
        }
        keepaliveMs = Math.round(seconds * 1000);
    }
    const given = (value) => (value === undefined || value.trim() === '' ? undefined : value);
    return {
        username: given(positionals[0]),
        topic: given(positionals[1]),
        url,
        ...(ca !== undefined ? { ca } : {}),
        ...(values.insecure ? { insecure: true } : {}),
        keepaliveMs,
    };
}
