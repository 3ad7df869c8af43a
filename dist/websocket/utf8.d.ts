export declare class Utf8Validator {
    /** Continuation bytes still expected for the code point in progress. */
    private needed;
    /** Allowed range of the next continuation byte (narrower after E0, ED, F0, F4). */
    private low;
    private high;
    reset(): void;
    /** True when no code point is left unfinished: the message may end here. */
    get complete(): boolean;
    /** Feeds `bytes[start..end)`; false as soon as they cannot be valid UTF-8. */
    push(bytes: Uint8Array, start?: number, end?: number): boolean;
    /** One byte of the UTF-8 grammar of RFC 3629 §4. */
    private step;
}
/** Whole-buffer check, for payloads that arrive in one piece (close reasons). */
export declare function isValidUtf8(bytes: Uint8Array): boolean;
