/**
 * Validation and parsing of what clients send: user and topic names, chat
 * message text, `ref` values, and the classification of a text frame into a
 * command or one of the JSON frame shapes. Pure functions, no chat state.
 */

export const MAX_USERNAME_LENGTH = 32;
export const MAX_TOPIC_LENGTH = 64;
export const MAX_REF_LENGTH = 128;

// Control (Cc) and format (Cf) characters would let a name hide or reorder
// text (U+202E, U+200B). Lone surrogates (Cs, reachable only through JSON
// "\ud800" escapes) are rejected too: they cannot be shown and are not text.
const FORBIDDEN_IN_NAME = /[\p{Cc}\p{Cf}\p{Cs}]/u;

// C0 and C1 controls except tab, line feed and carriage return, which are
// legitimate in multi-line messages; and lone surrogates, which are not
// Unicode text at all (relayed as "\ud800", strict JSON parsers refuse them).
const FORBIDDEN_IN_MESSAGE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]|\p{Cs}/u;

// Default-ignorable code points render as nothing (U+034F, U+3164 HANGUL
// FILLER, U+115F/U+1160, U+FFA0 ...). In a name they make look-alikes, so they
// are refused, except the emoji variation selectors U+FE0E/U+FE0F, which
// real emoji names need. U+2800 BRAILLE PATTERN BLANK is not ignorable but
// renders blank: a name may contain it, not consist of it.
const INVISIBLE_IN_NAME = /(?![\uFE0E\uFE0F])\p{Default_Ignorable_Code_Point}/u;
const BLANK = /^[\s\u2800\p{Default_Ignorable_Code_Point}]*$/u;

/**
 * NFC normalisation can cost time quadratic in a run of combining marks
 * (canonical reordering), so input is bounded before it is normalised. No
 * real name of 64 characters needs more than 8 UTF-16 units per character,
 * even written decomposed.
 */
const MAX_UNITS_PER_NAME_CHARACTER = 8;

/** Number of Unicode code points in `text` (a surrogate pair counts once). */
export function codePointLength(text: string): number {
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

export type NameCheck = { ok: true; name: string } | { ok: false; problem: string };

function normalizeName(raw: unknown, what: 'username' | 'topic', maxLength: number): NameCheck {
  if (typeof raw !== 'string') return { ok: false, problem: `${what} must be a string` };
  if (raw.length > maxLength * MAX_UNITS_PER_NAME_CHARACTER) {
    return { ok: false, problem: `${what} is too long; at most ${maxLength} characters are allowed` };
  }
  const name = raw.normalize('NFC').trim();
  if (name.length === 0) return { ok: false, problem: `${what} must not be empty` };
  const length = codePointLength(name);
  if (length > maxLength) {
    return { ok: false, problem: `${what} is ${length} characters long; at most ${maxLength} are allowed` };
  }
  if (FORBIDDEN_IN_NAME.test(name) || INVISIBLE_IN_NAME.test(name)) {
    return { ok: false, problem: `${what} must not contain control or invisible formatting characters` };
  }
  if (BLANK.test(name)) return { ok: false, problem: `${what} must contain a visible character` };
  return { ok: true, name };
}

/** Trims, NFC-normalises and checks a user name (1..32 code points, no Cc/Cf). */
export function normalizeUsername(raw: unknown): NameCheck {
  return normalizeName(raw, 'username', MAX_USERNAME_LENGTH);
}

/** Trims, NFC-normalises and checks a topic name (1..64 code points, no Cc/Cf). */
export function normalizeTopic(raw: unknown): NameCheck {
  return normalizeName(raw, 'topic', MAX_TOPIC_LENGTH);
}

/**
 * The key under which a name is unique in a topic. Names are compared
 * case-insensitively, so `Alice` and `alice` collide; the typed case is kept
 * for display.
 */
export function nameKey(name: string): string {
  return name.toLowerCase();
}

export type MessageProblemCode = 'empty_message' | 'message_too_long' | 'invalid_message';
export type MessageCheck = { ok: true } | { ok: false; code: MessageProblemCode; problem: string };

/** Checks chat or DM text. The text itself is sent as is, never trimmed. */
export function checkMessageText(text: string, maxLength: number): MessageCheck {
  if (text.trim().length === 0 || (text.length <= 4 * maxLength && BLANK.test(text))) {
    return { ok: false, code: 'empty_message', problem: 'message is empty' };
  }
  // A string can never have more code points than UTF-16 units, so the
  // count is only needed for long strings.
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

/** A `ref` is echoed in the ack, so it must be small: a short string or a finite number. */
export function isValidRef(ref: unknown): ref is string | number {
  if (typeof ref === 'number') return Number.isFinite(ref);
  if (typeof ref === 'string') return ref.length <= MAX_REF_LENGTH || codePointLength(ref) <= MAX_REF_LENGTH;
  return false;
}

/**
 * What a client text frame is, before any chat state is considered.
 * `ref` is `undefined` when the client sent none; its validity is checked by
 * the caller because only some situations echo it.
 */
export type ClientFrame =
  | { kind: 'invalid_json' }
  /** JSON that is not an object: an array, number, string, boolean or null. */
  | { kind: 'not_object' }
  /** `/name args`, raw or in the `message` field. `name` is lower-cased. */
  | { kind: 'command'; name: string; args: string; hasRef: boolean; ref: unknown }
  /** An object with `message` that is not a command (possibly not a string). */
  | { kind: 'message'; message: unknown; hasRef: boolean; ref: unknown }
  | { kind: 'typing'; typing: unknown }
  /**
   * Any other object. In the lobby it is a join attempt; `hasJoinFields`
   * tells a misplaced join payload apart from an unknown object.
   */
  | { kind: 'join'; username: unknown; topic: unknown; hasJoinFields: boolean; resume?: unknown; since?: unknown };

/** Splits `/name rest` into the lower-cased name and the rest (leading white space removed). */
export function parseCommand(text: string): { name: string; args: string } {
  // text starts with '/'. The name runs to the first white space.
  let end = 1;
  while (end < text.length && !isWhiteSpace(text.charCodeAt(end))) end++;
  const name = text.slice(1, end).toLowerCase();
  const args = text.slice(end).replace(/^\s+/, '');
  return { name, args };
}

function isWhiteSpace(unit: number): boolean {
  // Fast path for ASCII; otherwise defer to the regex definition of \s.
  if (unit === 0x20 || (unit >= 0x09 && unit <= 0x0d)) return true;
  if (unit < 0x80) return false;
  return /\s/.test(String.fromCharCode(unit));
}

export function parseClientFrame(text: string): ClientFrame {
  if (text.startsWith('/')) {
    const { name, args } = parseCommand(text);
    return { kind: 'command', name, args, hasRef: false, ref: undefined };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'invalid_json' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { kind: 'not_object' };
  // Own properties only: a `__proto__` key from JSON.parse is an own data
  // property and must never be mistaken for (or reach) a prototype.
  const object = value as Record<string, unknown>;
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
  if (Object.hasOwn(object, 'typing')) return { kind: 'typing', typing: object['typing'] };
  const hasUsername = Object.hasOwn(object, 'username');
  const hasTopic = Object.hasOwn(object, 'topic');
  const join: ClientFrame = {
    kind: 'join',
    username: hasUsername ? object['username'] : undefined,
    topic: hasTopic ? object['topic'] : undefined,
    hasJoinFields: hasUsername || hasTopic,
  };
  if (Object.hasOwn(object, 'resume')) join.resume = object['resume'];
  if (Object.hasOwn(object, 'since')) join.since = object['since'];
  return join;
}
