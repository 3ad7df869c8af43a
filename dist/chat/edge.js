import { errorFrame, helpFrame } from "./frames.js";
import { checkMessageText, isValidRef, normalizeTopic, normalizeUsername, parseClientFrame } from "./validate.js";
import { ChatCloseCode } from "./wire.js";
export const DEFAULT_EDGE_OPTIONS = Object.freeze({
    messageTtlMs: 30_000,
    maxMessageLength: 2000,
    joinTimeoutMs: 30_000,
    idleTimeoutMs: 0,
    rateLimit: 50,
    rateLimitCloseAfterMs: 2000,
    typingIntervalMs: 1000,
});
const RATE_LIMIT_QUIET_MS = 1000;
const RATE_LIMIT_ERROR_INTERVAL_MS = 1000;
const MAX_TOKEN_LENGTH = 256;
const MAX_SINCE = Number.MAX_SAFE_INTEGER;
const COMMANDS_BEFORE_JOIN = new Set(['list', 'help', 'quit']);
const COMMANDS = new Set(['list', 'help', 'quit', 'who', 'join', 'dm', 'leave']);
export class EdgeConn {
    tokens;
    tokensAt;
    limitedSince = undefined;
    lastDropAt;
    lastRateErrorAt = undefined;
    lastTypingAt = undefined;
    lastActivity;
    constructor(options, now) {
        this.tokens = 2 * options.rateLimit;
        this.tokensAt = now;
        this.lastDropAt = now;
        this.lastActivity = now;
    }
}
export class ChatEdge {
    options;
    constructor(options = {}) {
        const merged = { ...DEFAULT_EDGE_OPTIONS };
        for (const key of Object.keys(DEFAULT_EDGE_OPTIONS)) {
            const value = Object.hasOwn(options, key) ? options[key] : undefined;
            if (typeof value === 'number' && !Number.isNaN(value))
                merged[key] = value;
        }
        this.options = merged;
    }
    receiveText(c, text, joined, now) {
        const out = [];
        if (!this.#admit(c, now, out))
            return out;
        c.lastActivity = now;
        const frame = parseClientFrame(text);
        if (joined)
            this.#joinedFrame(c, frame, now, out);
        else
            this.#lobbyFrame(frame, out);
        return out;
    }
    receiveBinary(c, now) {
        const out = [];
        if (this.#admit(c, now, out))
            out.push(error('unsupported_data', 'binary frames are not supported; send JSON text frames'));
        return out;
    }
    joinDeadline(since) {
        return this.options.joinTimeoutMs > 0 ? since + this.options.joinTimeoutMs : undefined;
    }
    idleDeadline(c) {
        return this.options.idleTimeoutMs > 0 ? c.lastActivity + this.options.idleTimeoutMs : undefined;
    }
    #lobbyFrame(frame, out) {
        switch (frame.kind) {
            case 'invalid_json':
                out.push(error('invalid_json', 'frame is neither JSON nor a /command'));
                return;
            case 'not_object':
                out.push(error('invalid_message', 'a frame must be a JSON object, e.g. {"username": "alice", "topic": "sports"}'));
                return;
            case 'command':
                this.#command(frame.name, frame.args, undefined, false, out);
                return;
            case 'message':
            case 'typing':
                out.push(error('not_joined', 'join a topic first: send {"username": "<name>", "topic": "<topic>"}'));
                return;
            case 'join':
                this.#joinPayload(frame, out);
                return;
        }
    }
    #joinedFrame(c, frame, now, out) {
        switch (frame.kind) {
            case 'invalid_json':
                out.push(error('invalid_json', 'frame is neither JSON nor a /command'));
                return;
            case 'not_object':
                out.push(error('invalid_message', 'a frame must be a JSON object such as {"message": "hello"}'));
                return;
            case 'command': {
                const ref = refOf(frame, out);
                if (ref !== INVALID_REF)
                    this.#command(frame.name, frame.args, ref, true, out);
                return;
            }
            case 'message': {
                if (typeof frame.message !== 'string') {
                    out.push(error('invalid_message', 'message must be a string'));
                    return;
                }
                const ref = refOf(frame, out);
                if (ref === INVALID_REF)
                    return;
                const check = checkMessageText(frame.message, this.options.maxMessageLength);
                if (!check.ok) {
                    out.push(error(check.code, check.problem));
                    return;
                }
                const command = { t: 'say', text: frame.message, ttl: this.options.messageTtlMs };
                if (ref !== undefined)
                    command.ref = ref;
                out.push({ kind: 'command', command });
                return;
            }
            case 'typing':
                if (typeof frame.typing !== 'boolean') {
                    out.push(error('invalid_message', 'typing must be true or false'));
                    return;
                }
                if (!frame.typing)
                    return;
                if (c.lastTypingAt !== undefined && now - c.lastTypingAt < this.options.typingIntervalMs)
                    return;
                c.lastTypingAt = now;
                out.push({ kind: 'command', command: { t: 'typing' } });
                return;
            case 'join':
                out.push(frame.hasJoinFields
                    ? error('invalid_message', 'already in a topic; use /join <topic> to switch topics')
                    : error('invalid_message', 'unknown frame: expected {"message": "..."} or {"typing": true}'));
                return;
        }
    }
    #joinPayload(frame, out) {
        const username = normalizeUsername(frame.username);
        if (!username.ok) {
            out.push(error('invalid_join', `invalid join: ${username.problem}; send {"username": "<name>", "topic": "<topic>"}`));
            return;
        }
        const topic = normalizeTopic(frame.topic);
        if (!topic.ok) {
            out.push(error('invalid_join', `invalid join: ${topic.problem}; send {"username": "<name>", "topic": "<topic>"}`));
            return;
        }
        const command = { t: 'join', name: username.name, topic: topic.name };
        if (frame.resume !== undefined) {
            if (typeof frame.resume !== 'string') {
                out.push(error('invalid_join', 'resume must be the resumeToken string of an earlier welcome'));
                return;
            }
            command.resume = frame.resume.length > MAX_TOKEN_LENGTH ? '' : frame.resume;
        }
        if (frame.since !== undefined) {
            const since = frame.since;
            if (typeof since !== 'number' || !Number.isInteger(since) || since < 0 || since > MAX_SINCE) {
                out.push(error('invalid_join', 'since must be a non-negative integer (the highest message id you have seen)'));
                return;
            }
            command.since = since;
        }
        out.push({ kind: 'command', command });
    }
    #command(name, args, ref, joined, out) {
        if (!COMMANDS.has(name)) {
            out.push(error('unknown_command', `unknown command /${name}; send /help for the list of commands`));
            return;
        }
        if (!joined && !COMMANDS_BEFORE_JOIN.has(name)) {
            out.push(error('not_joined', `/${name} needs a topic: join one first with {"username": "<name>", "topic": "<topic>"}`));
            return;
        }
        switch (name) {
            case 'list':
                out.push({ kind: 'list' });
                return;
            case 'help':
                out.push({ kind: 'reply', frame: helpFrame() });
                return;
            case 'quit':
                out.push({ kind: 'quit' });
                return;
            case 'who':
                out.push({ kind: 'who' });
                return;
            case 'leave':
                out.push({ kind: 'command', command: { t: 'leave' } });
                return;
            case 'join': {
                if (args.trim() === '') {
                    out.push(error('invalid_join', 'usage: /join <topic>'));
                    return;
                }
                const topic = normalizeTopic(args);
                if (!topic.ok)
                    out.push(error('invalid_join', `invalid topic: ${topic.problem}`));
                else
                    out.push({ kind: 'command', command: { t: 'move', topic: topic.name } });
                return;
            }
            case 'dm': {
                if (args.trim() === '') {
                    out.push(error('invalid_message', 'usage: /dm <username> <text>'));
                    return;
                }
                const command = { t: 'dm', args };
                if (ref !== undefined)
                    command.ref = ref;
                out.push({ kind: 'command', command });
                return;
            }
        }
    }
    #admit(c, now, out) {
        const rate = this.options.rateLimit;
        if (rate <= 0)
            return true;
        const capacity = 2 * rate;
        const elapsed = now - c.tokensAt;
        if (elapsed > 0) {
            c.tokens = Math.min(capacity, c.tokens + (elapsed * rate) / 1000);
            c.tokensAt = now;
        }
        if (c.limitedSince !== undefined && now - c.lastDropAt >= RATE_LIMIT_QUIET_MS)
            c.limitedSince = undefined;
        if (c.tokens >= 1) {
            c.tokens -= 1;
            return true;
        }
        const firstOfRun = c.limitedSince === undefined;
        if (firstOfRun)
            c.limitedSince = now;
        c.lastDropAt = now;
        out.push({ kind: 'rate_limited', firstOfRun });
        if (now - c.limitedSince >= this.options.rateLimitCloseAfterMs) {
            out.push({ kind: 'close', code: ChatCloseCode.POLICY, reason: 'rate limit', detail: 'rate_limit' });
            return false;
        }
        if (c.lastRateErrorAt === undefined || now - c.lastRateErrorAt >= RATE_LIMIT_ERROR_INTERVAL_MS) {
            c.lastRateErrorAt = now;
            out.push(error('rate_limited', `too many frames: at most ${rate} per second (burst ${capacity}); frame dropped`));
        }
        return false;
    }
}
const INVALID_REF = Symbol('invalid ref');
function refOf(frame, out) {
    if (!frame.hasRef)
        return undefined;
    if (isValidRef(frame.ref))
        return frame.ref;
    out.push(error('invalid_message', 'ref must be a string of at most 128 characters or a finite number'));
    return INVALID_REF;
}
function error(code, message) {
    return { kind: 'reply', frame: errorFrame(code, message) };
}
export function toCommand(command, conn, token) {
    switch (command.t) {
        case 'join':
        case 'move':
            return { v: 1, c: conn, token, ...command };
        case 'leave':
            return { v: 1, t: 'leave', c: conn, why: 'leave', detail: 'leave' };
        default:
            return { v: 1, c: conn, ...command };
    }
}
