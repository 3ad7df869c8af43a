import { BlockList, isIP } from 'node:net';
export function plainAddress(address) {
    return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address) ? address.slice(7) : address.toLowerCase();
}
export function trustedProxies(entries) {
    const list = new BlockList();
    for (const raw of entries) {
        const entry = raw.trim().toLowerCase();
        if (entry === 'loopback') {
            list.addSubnet('127.0.0.0', 8, 'ipv4');
            list.addAddress('::1', 'ipv6');
            continue;
        }
        const [address = '', bits, ...rest] = entry.split('/');
        const family = isIP(address);
        if (family === 0 || rest.length > 0)
            throw new Error(`not an address, a CIDR block or "loopback": ${JSON.stringify(raw)}`);
        const type = family === 4 ? 'ipv4' : 'ipv6';
        if (bits === undefined) {
            list.addAddress(address, type);
            continue;
        }
        const prefix = /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
        if (!(prefix >= 0 && prefix <= (family === 4 ? 32 : 128)))
            throw new Error(`bad prefix length in ${JSON.stringify(raw)}`);
        list.addSubnet(address, prefix, type);
    }
    const none = entries.length === 0;
    return {
        none,
        has(address) {
            if (none)
                return false;
            const plain = plainAddress(address);
            const family = isIP(plain);
            return family !== 0 && list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
        },
    };
}
export function clientAddressFrom(req, trusted) {
    const peer = plainAddress(req.socket.remoteAddress ?? '');
    if (trusted.none || !trusted.has(peer))
        return peer;
    const forwardedFor = req.headers['x-forwarded-for'];
    const chain = forwardedFor !== undefined ? xForwardedFor(String(forwardedFor)) : forwarded(req.headers.forwarded);
    let client = peer;
    for (let i = chain.length - 1; i >= 0; i--) {
        const hop = chain[i];
        if (isIP(hop) === 0)
            break;
        client = plainAddress(hop);
        if (!trusted.has(client))
            break;
    }
    return client;
}
function xForwardedFor(value) {
    return value.split(',').map((entry) => stripPort(entry.trim()));
}
function forwarded(value) {
    if (value === undefined)
        return [];
    const out = [];
    for (const element of value.split(',')) {
        let hop = '';
        for (const pair of element.split(';')) {
            const eq = pair.indexOf('=');
            if (eq === -1 || pair.slice(0, eq).trim().toLowerCase() !== 'for')
                continue;
            hop = pair.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
        }
        out.push(stripPort(hop));
    }
    return out;
}
function stripPort(hop) {
    if (hop.startsWith('[')) {
        const end = hop.indexOf(']');
        return end === -1 ? hop : hop.slice(1, end);
    }
    const colon = hop.indexOf(':');
    if (colon !== -1 && hop.indexOf(':', colon + 1) === -1)
        return hop.slice(0, colon);
    return hop;
}
export { addressGroup } from "../websocket/address.js";
