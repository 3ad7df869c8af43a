/**
 * Incremental UTF-8 validation (RFC 6455 §8.1: a text message that is not
 * valid UTF-8 fails the connection). Bytes may arrive in pieces, and a code
 * point may be split across pieces or across fragments of one message.
 *
 * The bulk of every piece goes through Node's native `isUtf8`; only the few
 * bytes at the edges of a piece (an unfinished code point) go through the
 * byte-wise state machine below, so an invalid sequence is still reported as
 * soon as its bytes arrive (a sequence such as F4 90 is rejected at its
 * second byte, before the rest of it exists).
 */
import { isUtf8 } from 'node:buffer';
export class Utf8Validator {
    /** Continuation bytes still expected for the code point in progress. */
    needed = 0;
    /** Allowed range of the next continuation byte (narrower after E0, ED, F0, F4). */
    low = 0x80;
    high = 0xbf;
    reset() {
        this.needed = 0;
        this.low = 0x80;
        this.high = 0xbf;
    }
    /** True when no code point is left unfinished: the message may end here. */
    get complete() {
        return this.needed === 0;
    }
    /** Feeds `bytes[start..end)`; false as soon as they cannot be valid UTF-8. */
    push(bytes, start = 0, end = bytes.length) {
        let i = start;
        // Finish the code point carried over from the previous piece.
        while (this.needed > 0 && i < end) {
            if (!this.step(bytes[i]))
                return false;
            i++;
        }
        if (i >= end)
            return true;
        // Find where an unfinished code point starts at the end of the piece.
        let tail = end;
        let lead = end - 1;
        while (lead > i && end - lead < 4 && (bytes[lead] & 0xc0) === 0x80)
            lead--;
        const b = bytes[lead];
        const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
        if (lead + length > end)
            tail = lead;
        if (tail > i && !isUtf8(bytes.subarray(i, tail)))
            return false;
        for (let k = tail; k < end; k++) {
            if (!this.step(bytes[k]))
                return false;
        }
        return true;
    }
    /** One byte of the UTF-8 grammar of RFC 3629 §4. */
    step(byte) {
        if (this.needed > 0) {
            if (byte < this.low || byte > this.high)
                return false;
            this.needed--;
            this.low = 0x80;
            this.high = 0xbf;
            return true;
        }
        if (byte < 0x80)
            return true;
        if (byte >= 0xc2 && byte <= 0xdf) {
            this.needed = 1;
        }
        else if (byte >= 0xe0 && byte <= 0xef) {
            this.needed = 2;
            if (byte === 0xe0)
                this.low = 0xa0; // no overlong 3-byte forms
            if (byte === 0xed)
                this.high = 0x9f; // no UTF-16 surrogates
        }
        else if (byte >= 0xf0 && byte <= 0xf4) {
            this.needed = 3;
            if (byte === 0xf0)
                this.low = 0x90; // no overlong 4-byte forms
            if (byte === 0xf4)
                this.high = 0x8f; // nothing above U+10FFFF
        }
        else {
            return false; // 80-C1 cannot start a code point, F5-FF never appear
        }
        return true;
    }
}
/** Whole-buffer check, for payloads that arrive in one piece (close reasons). */
export function isValidUtf8(bytes) {
    return isUtf8(bytes);
}
