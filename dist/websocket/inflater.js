import { zlib } from "./deflate.js";
const TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);
const FIRST_OUT_CHUNK = 16 * 1024;
const OUT_CHUNK = 64 * 1024;
export class MessageInflater {
    handle;
    written;
    limit;
    failed = false;
    out;
    outOffset = 0;
    produced = 0;
    constructor(handle, written, limit) {
        this.handle = handle;
        this.written = written;
        this.limit = limit;
        handle.onerror = () => {
            this.failed = true;
        };
    }
    static open(limit, window) {
        const engine = zlib().createInflateRaw({
            windowBits: 15,
            chunkSize: 64,
            ...(window !== undefined && window.length > 0 ? { dictionary: window } : {}),
        });
        const handle = engine._handle;
        const written = engine._writeState;
        if (!handle || typeof handle.writeSync !== 'function' || typeof handle.close !== 'function' || !(written instanceof Uint32Array)) {
            if (handle && typeof handle.close === 'function')
                handle.close();
            return undefined;
        }
        return new MessageInflater(handle, written, Math.max(1, limit));
    }
    write(input, sink) {
        return this.run(input, sink);
    }
    end(sink) {
        const status = this.run(TAIL, sink);
        this.close();
        return status;
    }
    close() {
        this.handle?.close();
        this.handle = undefined;
        this.out = undefined;
    }
    run(input, sink) {
        const handle = this.handle;
        if (handle === undefined)
            return 'invalid';
        let inOff = 0;
        let inLen = input.length;
        for (;;) {
            let out = this.out;
            if (out === undefined || this.outOffset === out.length) {
                const chunk = this.produced === 0 ? FIRST_OUT_CHUNK : OUT_CHUNK;
                out = this.out = Buffer.allocUnsafe(Math.min(chunk, this.limit - this.produced + 1));
                this.outOffset = 0;
            }
            const space = out.length - this.outOffset;
            handle.writeSync(zlib().constants.Z_SYNC_FLUSH, input, inOff, inLen, out, this.outOffset, space);
            if (this.failed)
                return 'invalid';
            const spaceLeft = this.written[0];
            const inputLeft = this.written[1];
            const have = space - spaceLeft;
            if (have > 0) {
                const piece = out.subarray(this.outOffset, this.outOffset + have);
                this.outOffset += have;
                this.produced += have;
                if (this.produced > this.limit)
                    return 'too-big';
                if (!sink(piece))
                    return 'refused';
            }
            if (spaceLeft !== 0)
                return 'ok';
            inOff += inLen - inputLeft;
            inLen = inputLeft;
        }
    }
}
