import { parseExtensions } from "./extensions.js";
export const EXTENSION_NAME = 'permessage-deflate';
const DEFAULT_THRESHOLD = 1024;
function windowBits(value) {
    return typeof value === 'string' && /^(8|9|1[0-5])$/.test(value) ? Number(value) : undefined;
}
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
                return undefined;
            if (name === 'server_no_context_takeover')
                out.serverNoContextTakeover = true;
            else
                out.clientNoContextTakeover = true;
        }
        else if (name === 'server_max_window_bits') {
            const bits = windowBits(value);
            if (bits === undefined)
                return undefined;
            out.serverMaxWindowBits = bits;
        }
        else if (name === 'client_max_window_bits') {
            if (value === true)
                out.clientMaxWindowBits = true;
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
export function deflateOffer(options) {
    let offer = `${EXTENSION_NAME}; client_no_context_takeover`;
    if (options.serverNoContextTakeover)
        offer += '; server_no_context_takeover';
    if (options.serverMaxWindowBits !== undefined)
        offer += `; server_max_window_bits=${clampBits(options.serverMaxWindowBits)}`;
    return offer;
}
export function acceptDeflateResponse(header, options) {
    const answers = parseExtensions(header);
    if (answers === undefined || answers.length !== 1 || answers[0].name !== EXTENSION_NAME) {
        return `server answered extensions we did not offer: ${header}`;
    }
    const params = readParams(answers[0].params);
    if (params === undefined)
        return `invalid permessage-deflate parameters: ${header}`;
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
