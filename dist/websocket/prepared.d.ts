import type { NegotiatedDeflate } from './permessage-deflate.ts';
export interface PrepareOptions {
    /**
     * true: compressed for every recipient that negotiated deflate, whatever
     * its size (e.g. a welcome); 'auto' (default): only from the connection's
     * threshold up; false: never.
     */
    deflate?: boolean | 'auto';
}
export declare class PreparedMessage {
    readonly data: string | Uint8Array;
    readonly isBinary: boolean;
    /** The payload's size in bytes, uncompressed. */
    readonly byteLength: number;
    readonly deflate: boolean | 'auto';
    private plainFrame;
    /** Compressed frames by compressor setting (window bits, level, memLevel). */
    private compressedFrames;
    constructor(data: string | Uint8Array, options?: PrepareOptions);
    /** The uncompressed frame. */
    get plain(): Buffer;
    /** Whether a connection with this agreement (undefined: none) gets the compressed frame. */
    wantsCompression(deflate: NegotiatedDeflate | undefined): deflate is NegotiatedDeflate;
    /** The frame to write to a connection with this agreement. */
    frameFor(deflate: NegotiatedDeflate | undefined): Buffer;
    /** The compressed frame (RSV1 set) for this compressor setting, deflated on first use. */
    compressed(deflate: NegotiatedDeflate): Buffer;
}
/** Prepares `data` (text for a string, binary for bytes) for sending to many connections. */
export declare function prepareMessage(data: string | Uint8Array, options?: PrepareOptions): PreparedMessage;
