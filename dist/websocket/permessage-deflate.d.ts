export declare const EXTENSION_NAME = "permessage-deflate";
export interface PerMessageDeflateOptions {
    /** Messages shorter than this many bytes are sent uncompressed. Default 1024. */
    threshold?: number;
    /** Largest LZ77 window (as bits, 8-15) this side compresses with. Default 15. */
    maxWindowBits?: number;
    /** zlib compression level 0-9. Default 6 (zlib's default). */
    level?: number;
    /** zlib memLevel 1-9: memory for the compressor's state while it runs. Default 8. */
    memLevel?: number;
    /** Client only: ask the server to reset its compressor per message, so this client keeps no inflate window. */
    serverNoContextTakeover?: boolean;
    /** Client only: ask the server for a window of at most this many bits (8-15). */
    serverMaxWindowBits?: number;
}
/** What one connection agreed on, seen from this endpoint. */
export interface NegotiatedDeflate {
    /** The Sec-WebSocket-Extensions value that settled it (server: what we sent). */
    header: string;
    /** The window we compress with; 8 means Huffman coding only (zlib has no 256-byte window). */
    compressWindowBits: number;
    /** The peer keeps its window across messages: we must keep the tail of what we inflated. */
    peerContextTakeover: boolean;
    /** The peer's window, which is how much inflated text we keep when it takes context over. */
    peerWindowBits: number;
    threshold: number;
    level: number;
    memLevel: number;
}
/**
 * Server side: accepts the first acceptable permessage-deflate offer in the
 * client's header, or returns undefined (decline: the connection goes on
 * without compression; a bad offer never fails the handshake).
 */
export declare function acceptDeflateOffer(header: string | undefined, options: PerMessageDeflateOptions): NegotiatedDeflate | undefined;
/** Client side: the offer to send. */
export declare function deflateOffer(options: PerMessageDeflateOptions): string;
/**
 * Client side: reads the server's answer to `deflateOffer(options)`. Returns
 * the agreement, or a reason to fail the connection (§7: the answer must be
 * one valid permessage-deflate element, with nothing we did not allow).
 */
export declare function acceptDeflateResponse(header: string, options: PerMessageDeflateOptions): NegotiatedDeflate | string;
