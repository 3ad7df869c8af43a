export const MAX_USERNAME_LENGTH = 32;
export const MAX_TOPIC_LENGTH = 64;
export const MAX_REF_LENGTH = 128;
const FORBIDDEN_IN_NAME = /[\p{Cc}\p{Cf}\p{Cs}]/u;
const FORBIDDEN_IN_MESSAGE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]|\p{Cs}/u;
const INVISIBLE_IN_NAME = /(?![\uFE0E\uFE0F])\p{Default_Ignorable_Code_Point}/u;
const BLANK = /^[\s\u2800\p{Default_Ignorable_Code_Point}]*$/u;
const MAX_UNITS_PER_NAME_CHARACTER = 8;
export function codePointLength(text) {
    let count = text.length;
    for (let i = 0; i < text.length; i++) {
        const unit = text.charCodeAt(i);
        if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
            const next = text.charCodeAt(i + 1);
            if (next >= 0xdc00 && next <= 0xdfff) {
                count--;
                i++;
            }
        }
    }
    return count;
}
function normalizeName(raw, what, maxLength) {
    if (typeof raw !== 'string')
        return { ok: false, problem: `${what} must be a string` };
    if (raw.length > maxLength * MAX_UNITS_PER_NAME_CHARACTER) {
        return { ok: false, problem: `${what} is too long; at most ${maxLength} characters are allowed` };
    }
    const name = raw.normalize('NFC').trim();
    if (name.length === 0)
        return { ok: false, problem: `${what} must not be empty` };
    const length = codePointLength(name);
    if (length > maxLength) {
        return { ok: false, problem: `${what} is ${length} characters long; at most ${maxLength} are allowed` };
    }
    if (FORBIDDEN_IN_NAME.test(name) || INVISIBLE_IN_NAME.test(name)) {
        return { ok: false, problem: `${what} must not contain control or invisible formatting characters` };
    }
    if (BLANK.test(name))
        return { ok: false, problem: `${what} must contain a visible character` };
    return { ok: true, name };
}
export function normalizeUsername(raw) {
    return normalizeName(raw, 'username', MAX_USERNAME_LENGTH);
}
export function normalizeTopic(raw) {
    return normalizeName(raw, 'topic', MAX_TOPIC_LENGTH);
}
export function nameKey(name) {
    return name.toLowerCase();
}
export function checkMessageText(text, maxLength) {
    if (text.trim().length === 0 || (text.length <= 4 * maxLength && BLANK.test(text))) {
        return { ok: false, code: 'empty_message', problem: 'message is empty' };
    }
    if (text.length > maxLength) {
        const length = codePointLength(text);
        if (length > maxLength) {
            return {
                ok: false,
                code: 'message_too_long',
                problem: `message is ${length} characters long; at most ${maxLength} are allowed`,
            };
        }
    }
    if (FORBIDDEN_IN_MESSAGE.test(text)) {
        return {
            ok: false,
            code: 'invalid_message',
            problem: 'message must be valid Unicode text without control characters other than tab and new lines',
        };
    }
    return { ok: true };
}
export function isValidRef(ref) {
    if (typeof ref === 'number')
        return Number.isFinite(ref);
    if (typeof ref === 'string')
        return ref.length <= MAX_REF_LENGTH || codePointLength(ref) <= MAX_REF_LENGTH;
    return false;
}
export function parseCommand(text) {
    let end = 1;
    while (end < text.length && !isWhiteSpace(text.charCodeAt(end)))
        end++;
    const name = text.slice(1, end).toLowerCase();
    const args = text.slice(end).replace(/^\s+/, '');
    return { name, args };
}
function isWhiteSpace(unit) {
    if (unit === 0x20 || (unit >= 0x09 && unit <= 0x0d))
        return true;
    if (unit < 0x80)
        return false;
    return /\s/.test(String.fromCharCode(unit));
}
export function parseClientFrame(text) {
    if (text.startsWith('/')) {
        const { name, args } = parseCommand(text);
        return { kind: 'command', name, args, hasRef: false, ref: undefined };
    }
    let value;
    try {
        value = JSON.parse(text);
    }
    catch {
        return { kind: 'invalid_json' };
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value))
        return { kind: 'not_object' };
    const object = value;
    if (Object.hasOwn(object, 'message')) {
        const message = object['message'];
        const hasRef = Object.hasOwn(object, 'ref');
        const ref = hasRef ? object['ref'] : undefined;
        if (typeof message === 'string' && message.startsWith('/')) {
            const { name, args } = parseCommand(message);
            return { kind: 'command', name, args, hasRef, ref };
        }
        return { kind: 'message', message, hasRef, ref };
    }
    if (Object.hasOwn(object, 'typing'))
        return { kind: 'typing', typing: object['typing'] };
    const hasUsername = Object.hasOwn(object, 'username');
    const hasTopic = Object.hasOwn(object, 'topic');
    const join = {
        kind: 'join',
        username: hasUsername ? object['username'] : undefined,
        topic: hasTopic ? object['topic'] : undefined,
        hasJoinFields: hasUsername || hasTopic,
    };
    if (Object.hasOwn(object, 'resume'))
        join.resume = object['resume'];
    if (Object.hasOwn(object, 'since'))
        join.since = object['since'];
    return join;
}
