/**
 * Negotiating permessage-deflate (RFC 7692 §5 and §7): what a server answers
 * to a client's offers, what a client offers and how it reads the answer.
 * Pure functions over header values; the result says how each side
 * compresses and inflates.
 *
 * Our server always answers `server_no_context_takeover;
 * client_no_context_takeover`: every message is compressed and inflated on
 * its own, so a server connection keeps no zlib state at all between
 * messages (memory per connection), and one compressed broadcast frame is
 * valid for every recipient. Our client never uses context takeover when it
 * compresses (always allowed), but inflates whatever the server chose.
 */
import { parseExtensions } from "./extensions.js";
export const EXTENSION_NAME = 'permessage-deflate';
const DEFAULT_THRESHOLD = 1024;
/** §7.1.2.1/§7.1.2.2: a decimal 8-15, no leading zero. */
function windowBits(value) {
    return typeof value === 'string' && /^(8|9|1[0-5])$/.test(value) ? Number(value) : undefined;
}
/**
 * The parameters of one permessage-deflate element, or undefined if any is
 * unknown, repeated, or has an invalid value (§7: decline such an offer;
 * in a response they fail the connection).
 */
function readParams(params) {
    const seen = new Set();
    const out = {
        serverNoContextTakeover: false,
        clientNoContextTakeover: false,
        serverMaxWindowBits: undefined,
        clientMaxWindowBits: undefined,
    };
    for (const [name, value] of params) {
        if (seen.has(name))
            return undefined;
        seen.add(name);
        if (name === 'server_no_context_takeover' || name === 'client_no_context_takeover') {
            if (value !== true)
                return undefined; // §7.1.1: these take no value
            if (name === 'server_no_context_takeover')
                out.serverNoContextTakeover = true;
            else
                out.clientNoContextTakeover = true;
        }
        else if (name === 'server_max_window_bits') {
            const bits = windowBits(value);
            if (bits === undefined)
                return undefined; // §7.1.2.1: a value is required
            out.serverMaxWindowBits = bits;
        }
        else if (name === 'client_max_window_bits') {
            if (value === true)
                out.clientMaxWindowBits = true; // §7.1.2.2: may come without a value
            else {
                const bits = windowBits(value);
                if (bits === undefined)
                    return undefined;
                out.clientMaxWindowBits = bits;
            }
        }
        else {
            return undefined;
        }
    }
    return out;
}
function clampBits(bits) {
    return bits === undefined ? 15 : Math.min(15, Math.max(8, Math.floor(bits)));
}
function settings(options) {
    return {
        threshold: Math.max(0, options.threshold ?? DEFAULT_THRESHOLD),
        level: options.level ?? 6,
        memLevel: options.memLevel ?? 8,
    };
}
/**
 * Server side: accepts the first acceptable permessage-deflate offer in the
 * client's header, or returns undefined (decline: the connection goes on
 * without compression; a bad offer never fails the handshake).
 */
export function acceptDeflateOffer(header, options) {
    if (header === undefined)
        return undefined;
    const offers = parseExtensions(header);
    if (offers === undefined)
        return undefined;
    for (const offer of offers) {
        if (offer.name !== EXTENSION_NAME)
            continue;
        const params = readParams(offer.params);
        if (params === undefined)
            continue;
        const ours = clampBits(options.maxWindowBits);
        const compressWindowBits = Math.min(ours, params.serverMaxWindowBits ?? 15);
        let response = `${EXTENSION_NAME}; server_no_context_takeover; client_no_context_takeover`;
        // §7.1.2.1: the answer may carry server_max_window_bits only to accept
        // one that was offered, with the same or a smaller value. We never send
        // client_max_window_bits (§7.1.2.2 forbids it unless offered, and we
        // inflate with the largest window anyway).
        if (params.serverMaxWindowBits !== undefined)
            response += `; server_max_window_bits=${compressWindowBits}`;
        return {
            header: response,
            compressWindowBits,
            peerContextTakeover: false,
            peerWindowBits: 15,
            ...settings(options),
        };
    }
    return undefined;
}
/** Client side: the offer to send. */
export function deflateOffer(options) {
    // We never compress with context takeover; saying so lets the server free
    // its inflater between messages.
    let offer = `${EXTENSION_NAME}; client_no_context_takeover`;
    if (options.serverNoContextTakeover)
        offer += '; server_no_context_takeover';
    if (options.serverMaxWindowBits !== undefined)
        offer += `; server_max_window_bits=${clampBits(options.serverMaxWindowBits)}`;
    return offer;
}
/**
 * Client side: reads the server's answer to `deflateOffer(options)`. Returns
 * the agreement, or a reason to fail the connection (§7: the answer must be
 * one valid permessage-deflate element, with nothing we did not allow).
 */
export function acceptDeflateResponse(header, options) {
    const answers = parseExtensions(header);
    if (answers === undefined || answers.length !== 1 || answers[0].name !== EXTENSION_NAME) {
        return `server answered extensions we did not offer: ${header}`;
    }
    const params = readParams(answers[0].params);
    if (params === undefined)
        return `invalid permessage-deflate parameters: ${header}`;
    // §7.1.2.2: we did not offer client_max_window_bits, so it must not come back.
    if (params.clientMaxWindowBits !== undefined)
        return 'server sent client_max_window_bits we did not offer';
    const asked = options.serverMaxWindowBits;
    if (asked !== undefined && params.serverMaxWindowBits !== undefined && params.serverMaxWindowBits > clampBits(asked)) {
        return 'server_max_window_bits larger than offered';
    }
    return {
        header,
        compressWindowBits: clampBits(options.maxWindowBits),
        peerContextTakeover: !params.serverNoContextTakeover,
        peerWindowBits: params.serverMaxWindowBits ?? 15,
        ...settings(options),
    };
}
