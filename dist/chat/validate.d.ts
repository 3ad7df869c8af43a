/**
 * Validation and parsing of what clients send: user and topic names, chat
 * message text, `ref` values, and the classification of a text frame into a
 * command or one of the JSON frame shapes. Pure functions, no chat state.
 */
export declare const MAX_USERNAME_LENGTH = 32;
export declare const MAX_TOPIC_LENGTH = 64;
export declare const MAX_REF_LENGTH = 128;
/** Number of Unicode code points in `text` (a surrogate pair counts once). */
export declare function codePointLength(text: string): number;
export type NameCheck = {
    ok: true;
    name: string;
} | {
    ok: false;
    problem: string;
};
/** Trims, NFC-normalises and checks a user name (1..32 code points, no Cc/Cf). */
export declare function normalizeUsername(raw: unknown): NameCheck;
/** Trims, NFC-normalises and checks a topic name (1..64 code points, no Cc/Cf). */
export declare function normalizeTopic(raw: unknown): NameCheck;
/**
 * The key under which a name is unique in a topic. Names are compared
 * case-insensitively, so `Alice` and `alice` collide; the typed case is kept
 * for display.
 */
export declare function nameKey(name: string): string;
export type MessageProblemCode = 'empty_message' | 'message_too_long' | 'invalid_message';
export type MessageCheck = {
    ok: true;
} | {
    ok: false;
    code: MessageProblemCode;
    problem: string;
};
/** Checks chat or DM text. The text itself is sent as is, never trimmed. */
export declare function checkMessageText(text: string, maxLength: number): MessageCheck;
/** A `ref` is echoed in the ack, so it must be small: a short string or a finite number. */
export declare function isValidRef(ref: unknown): ref is string | number;
/**
 * What a client text frame is, before any chat state is considered.
 * `ref` is `undefined` when the client sent none; its validity is checked by
 * the caller because only some situations echo it.
 */
export type ClientFrame = {
    kind: 'invalid_json';
}
/** JSON that is not an object: an array, number, string, boolean or null. */
 | {
    kind: 'not_object';
}
/** `/name args`, raw or in the `message` field. `name` is lower-cased. */
 | {
    kind: 'command';
    name: string;
    args: string;
    hasRef: boolean;
    ref: unknown;
}
/** An object with `message` that is not a command (possibly not a string). */
 | {
    kind: 'message';
    message: unknown;
    hasRef: boolean;
    ref: unknown;
} | {
    kind: 'typing';
    typing: unknown;
}
/**
 * Any other object. In the lobby it is a join attempt; `hasJoinFields`
 * tells a misplaced join payload apart from an unknown object.
 */
 | {
    kind: 'join';
    username: unknown;
    topic: unknown;
    hasJoinFields: boolean;
    resume?: unknown;
    since?: unknown;
};
/** Splits `/name rest` into the lower-cased name and the rest (leading white space removed). */
export declare function parseCommand(text: string): {
    name: string;
    args: string;
};
export declare function parseClientFrame(text: string): ClientFrame;
