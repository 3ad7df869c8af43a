/**
 * Inflating one compressed message as its pieces arrive (RFC 7692 §7.2.2),
 * synchronously and with a bound, so that text can be checked as UTF-8 while
 * it inflates and a bad byte in an early fragment fails the connection
 * before the later fragments exist (RFC 6455 §8.1, Autobahn's "fail fast").
 *
 * Why this drives zlib's handle directly: Node has no public synchronous
 * streaming API. The one-shot functions (`inflateRawSync`) run
 * `handle.writeSync(flush, in, inOff, inLen, out, outOff, outLen)` in a loop
 * and then close the handle, so `_processChunk` cannot be called twice on
 * one engine. We run the same loop ourselves, one call per piece, which
 * keeps everything synchronous: no asynchronous zlib job is ever queued (no
 * unbounded concurrency, the memory fragmentation of nodejs/node#8871), the
 * message's bytes are processed in wire order with its control frames, and
 * output is counted as it comes out, so inflation stops one output chunk
 * past the message size limit. The handle is internal API: `open()` checks
 * its shape and returns undefined when it differs, and the caller falls back
 * to one bounded `inflateRawSync` per message (UTF-8 then checked at the end).
 *
 * One inflater lives only for the duration of one message and is closed
 * (its zlib memory freed at once, not at GC) when the message ends or fails:
 * no zlib state is kept between messages. While a fragmented message is
 * still arriving it costs zlib's state and 32 KiB window (about 43 KiB of
 * native memory) on top of the inflated bytes, which the message size limit
 * bounds like the buffered fragments of a plain message.
 */
import { zlib } from "./deflate.js";
/** §7.2.2: the end of a sync flush that the sender removed; we append it at the message's end. */
const TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);
/**
 * Output is made in chunks: the first as large as zlib's one-shot functions
 * use, later ones larger, so that big messages take fewer pieces.
 */
const FIRST_OUT_CHUNK = 16 * 1024;
const OUT_CHUNK = 64 * 1024;
export class MessageInflater {
    handle;
    written;
    limit;
    failed = false;
    out;
    outOffset = 0;
    /** Bytes of output so far. */
    produced = 0;
    constructor(handle, written, limit) {
        this.handle = handle;
        this.written = written;
        this.limit = limit;
        // Errors are reported synchronously inside writeSync, through this
        // callback; ours records them instead of destroying a stream nobody reads.
        handle.onerror = () => {
            this.failed = true;
        };
    }
    /**
     * An inflater for one message of at most `limit` inflated bytes; `window`
     * is the peer's retained window (context takeover) as a preset dictionary.
     * Undefined if this Node's zlib handle is not what we expect.
     */
    static open(limit, window) {
        const engine = zlib().createInflateRaw({
            windowBits: 15,
            chunkSize: 64, // the engine's own output buffer is never used
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
    /** Inflates the next piece of compressed payload, handing output to `sink` as it comes. */
    write(input, sink) {
        return this.run(input, sink);
    }
    /** The message's last payload is in: flush what is left (§7.2.2) and free zlib. */
    end(sink) {
        const status = this.run(TAIL, sink);
        this.close();
        return status;
    }
    /** Frees zlib's memory now; safe to call more than once. */
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
                // Never room for more than one byte past the limit: a bomb stops there.
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
            // Space left over means zlib took all the input it could (or the
            // stream ended, and what follows is ignored, as one-shot inflation does).
            if (spaceLeft !== 0)
                return 'ok';
            inOff += inLen - inputLeft;
            inLen = inputLeft;
        }
    }
}
