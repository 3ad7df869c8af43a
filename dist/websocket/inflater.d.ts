/**
 * 'ok', or why inflation stopped: past the limit, not DEFLATE data, or the
 * sink refused a piece (e.g. invalid UTF-8).
 */
export type InflateStatus = 'ok' | 'too-big' | 'invalid' | 'refused';
/** Takes each piece of output as it comes out (a view it may keep); false stops inflation. */
export type InflateSink = (piece: Buffer) => boolean;
export declare class MessageInflater {
    private handle;
    private readonly written;
    private readonly limit;
    private failed;
    private out;
    private outOffset;
    /** Bytes of output so far. */
    produced: number;
    private constructor();
    /**
     * An inflater for one message of at most `limit` inflated bytes; `window`
     * is the peer's retained window (context takeover) as a preset dictionary.
     * Undefined if this Node's zlib handle is not what we expect.
     */
    static open(limit: number, window?: Buffer): MessageInflater | undefined;
    /** Inflates the next piece of compressed payload, handing output to `sink` as it comes. */
    write(input: Uint8Array, sink: InflateSink): InflateStatus;
    /** The message's last payload is in: flush what is left (§7.2.2) and free zlib. */
    end(sink: InflateSink): InflateStatus;
    /** Frees zlib's memory now; safe to call more than once. */
    close(): void;
    private run;
}
