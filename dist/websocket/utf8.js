import { isUtf8 } from 'node:buffer';
export class Utf8Validator {
    needed = 0;
    low = 0x80;
    high = 0xbf;
    reset() {
        this.needed = 0;
        this.low = 0x80;
        this.high = 0xbf;
    }
    get complete() {
        return this.needed === 0;
    }
    push(bytes, start = 0, end = bytes.length) {
        let i = start;
        while (this.needed > 0 && i < end) {
            if (!this.step(bytes[i]))
                return false;
            i++;
        }
        if (i >= end)
            return true;
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
                this.low = 0xa0;
            if (byte === 0xed)
                this.high = 0x9f;
        }
        else if (byte >= 0xf0 && byte <= 0xf4) {
            this.needed = 3;
            if (byte === 0xf0)
                this.low = 0x90;
            if (byte === 0xf4)
                this.high = 0x8f;
        }
        else {
            return false;
        }
        return true;
    }
}
export function isValidUtf8(bytes) {
    return isUtf8(bytes);
}
