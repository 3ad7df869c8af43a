import { styleText } from 'node:util';
export const plainPaint = {
    name: (name) => name,
    system: (text) => text,
    dim: (text) => text,
    error: (text) => text,
};
const NAME_COLOURS = ['cyan', 'green', 'yellow', 'blue', 'magenta', 'cyanBright', 'greenBright', 'yellowBright', 'blueBright', 'magentaBright'];
export function nameColourIndex(name) {
    let hash = 0x811c9dc5;
    for (let i = 0; i < name.length; i++) {
        hash ^= name.charCodeAt(i);
        hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return hash % NAME_COLOURS.length;
}
export function colourPaint() {
    const style = (format, text) => (text === '' ? '' : styleText(format, text, { validateStream: false }));
    return {
        name: (name) => style(['bold', NAME_COLOURS[nameColourIndex(name)]], name),
        system: (text) => style('gray', text),
        dim: (text) => style('dim', text),
        error: (text) => style('red', text),
    };
}
export function shouldColour(stdoutIsTTY, env) {
    return stdoutIsTTY && env['NO_COLOR'] === undefined;
}
export function formatTime(timestampSeconds) {
    if (typeof timestampSeconds !== 'number' || !Number.isFinite(timestampSeconds))
        return '--:--:--';
    const date = new Date(timestampSeconds * 1000);
    const two = (n) => String(n).padStart(2, '0');
    return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}
export function sanitize(text) {
    return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '\uFFFD');
}
function indentContinuation(text) {
    return text.replace(/\r?\n/g, '\n    ');
}
function str(value) {
    return sanitize(typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value));
}
function strings(value) {
    return Array.isArray(value) ? value.map(str) : [];
}
export function parseServerFrame(text) {
    let value;
    try {
        value = JSON.parse(text);
    }
    catch {
        return undefined;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
        return undefined;
    const type = value['type'];
    return typeof type === 'string' ? value : undefined;
}
export function formatMessage(message, paint) {
    const frame = message;
    return `[${formatTime(frame['timestamp'])}] ${paint.name(str(frame['username']))}: ${indentContinuation(str(frame['message']))}`;
}
function names(users) {
    return users.flatMap((name, i) => (i === 0 ? [{ name }] : [', ', { name }]));
}
function plural(n, one, many) {
    return `${n} ${n === 1 ? one : many}`;
}
export function formatFrame(frame, view = {}) {
    const paint = view.paint ?? plainPaint;
    const sys = (...parts) => paint.system('* ') + parts.map((part) => (typeof part === 'string' ? paint.system(part) : paint.name(part.name))).join('');
    switch (frame.type) {
        case 'message':
            return [formatMessage(frame, paint)];
        case 'dm': {
            const to = str(frame['to']);
            const target = view.self !== undefined && to !== view.self ? paint.name(to) : 'you';
            return [`[${formatTime(frame['timestamp'])}] ${paint.name(str(frame['from']))} → ${target}: ${indentContinuation(str(frame['message']))}`];
        }
        case 'ack': {
            const recipients = typeof frame['recipients'] === 'number' ? frame['recipients'] : 0;
            if (frame['to'] !== undefined)
                return [paint.dim(`✓ dm delivered to ${str(frame['to'])}`)];
            return [paint.dim(recipients === 0 ? '✓ delivered to nobody (you are alone here)' : `✓ delivered to ${recipients}`)];
        }
        case 'welcome': {
            const username = str(frame['username']);
            const users = strings(frame['users']);
            const ttl = frame['messageTtl'];
            const taken = view.requested !== undefined && view.requested.trim().normalize('NFC') !== username ? ` (${sanitize(view.requested)} was taken)` : '';
            const lines = [
                sys(`joined ${str(frame['topic'])} as `, { name: username }, `${taken}${typeof ttl === 'number' ? `; messages expire after ${ttl} s` : ''}`),
                sys(`here (${users.length}): `, ...names(users)),
            ];
            const history = Array.isArray(frame['history']) ? frame['history'] : [];
            for (const message of history) {
                if (typeof message === 'object' && message !== null)
                    lines.push(formatMessage(message, paint));
            }
            return lines;
        }
        case 'joined':
            return [`[${formatTime(frame['timestamp'])}] ` + sys({ name: str(frame['username']) }, ` joined ${str(frame['topic'])}`)];
        case 'left': {
            const username = str(frame['username']);
            const topic = str(frame['topic']);
            const time = `[${formatTime(frame['timestamp'])}] `;
            if (view.self !== undefined && username === view.self) {
                return [time + sys(`you left ${topic}; back in the lobby (/join <topic> to join one)`)];
            }
            return [time + sys({ name: username }, ` left ${topic}`)];
        }
        case 'typing':
            return [paint.dim(`${str(frame['username'])} is typing…`)];
        case 'topics': {
            const topics = Array.isArray(frame['topics']) ? frame['topics'] : [];
            const lines = typeof frame['text'] === 'string'
                ? sanitize(frame['text']).split('\n')
                : ['Active Topics:', ...topics.map((t) => `- ${str(t.topic)} (${plural(Number(t.users), 'user', 'users')})`)];
            if (frame['truncated'] === true) {
                const total = typeof frame['total'] === 'number' ? ` of ${frame['total']}` : '';
                lines.push(paint.system(`(${topics.length}${total} topics shown: the busiest ones)`));
            }
            return lines;
        }
        case 'users': {
            const users = strings(frame['users']);
            return [sys(`in ${str(frame['topic'])} (${users.length}): `, ...names(users))];
        }
        case 'help':
            return str(frame['text']).split('\n');
        case 'error':
            if (frame['code'] === 'unavailable') {
                return [paint.error(`server unavailable: ${str(frame['message'])} (that was not carried out; try again in a moment)`)];
            }
            return [paint.error(`error ${str(frame['code'])}: ${str(frame['message'])}`)];
        default:
            return [paint.dim(`? ${sanitize(JSON.stringify(frame))}`)];
    }
}
const CLOSE_NAMES = {
    1000: 'normal closure',
    1001: 'going away',
    1002: 'protocol error',
    1003: 'unsupported data',
    1005: 'no status',
    1006: 'connection lost',
    1007: 'invalid data',
    1008: 'policy violation',
    1009: 'message too big',
    1011: 'server error',
    1012: 'service restart',
    1013: 'try again later',
    1014: 'bad gateway',
    4000: 'replaced',
};
export function describeClose(code, reason) {
    const name = CLOSE_NAMES[code];
    const text = `${code}${name ? ` ${name}` : ''}`;
    return reason ? `${text}: ${sanitize(reason)}` : text;
}
export const CLIENT_HELP = `Commands:
  /list                 the active topics and how many people are in each
  /who                  who is in this topic
  /join <topic>         leave this topic and join another one
  /dm <user> <text>     a private message to someone in this topic
  /leave                leave the topic and go back to the lobby
  /help                 this help
  /quit                 leave and exit (also Ctrl-D, or Ctrl-C on an empty line)
Anything else you type is sent to everyone in the topic. Messages expire after
the time the server says when you join. If the connection drops, the client
reconnects by itself and keeps your name; messages sent meanwhile are shown once.`;
export function typingStatus(names) {
    const shown = names.map(sanitize);
    if (shown.length === 0)
        return '';
    if (shown.length === 1)
        return `${shown[0]} is typing…`;
    if (shown.length <= 3)
        return `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)} are typing…`;
    return `${shown.length} people are typing…`;
}
