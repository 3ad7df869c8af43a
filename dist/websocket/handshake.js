import { createHash, randomBytes } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
export function acceptKey(key) {
    return createHash('sha1').update(key + WEBSOCKET_GUID).digest('base64');
}
export function generateKey() {
    return randomBytes(16).toString('base64');
}
const KEY_PATTERN = /^[A-Za-z0-9+/]{22}==$/;
function tokens(value) {
    if (!value)
        return [];
    return value.split(',').map((t) => t.trim().toLowerCase()).filter((t) => t.length > 0);
}
function refuse(status, reason, headers) {
    return headers ? { ok: false, status, reason, headers } : { ok: false, status, reason };
}
export function checkUpgradeRequest(req, options = {}) {
    const h = req.headers;
    if (req.method !== 'GET')
        return refuse(400, 'the method must be GET');
    if (req.httpVersionMajor < 1 || (req.httpVersionMajor === 1 && req.httpVersionMinor < 1)) {
        return refuse(400, 'HTTP/1.1 or later is required');
    }
    if (options.paths) {
        const url = req.url ?? '/';
        const q = url.indexOf('?');
        const path = q === -1 ? url : url.slice(0, q);
        if (!options.paths.includes(path))
            return refuse(404, 'no WebSocket endpoint at this path');
    }
    if (!h.host)
        return refuse(400, 'missing Host header');
    if (!tokens(h.upgrade).includes('websocket'))
        return refuse(400, 'Upgrade must name websocket');
    if (!tokens(h.connection).includes('upgrade'))
        return refuse(400, 'Connection must include Upgrade');
    if (h['sec-websocket-version'] !== '13') {
        return refuse(426, 'only WebSocket version 13 is supported', { 'Sec-WebSocket-Version': '13' });
    }
    const key = h['sec-websocket-key'];
    if (typeof key !== 'string' || !KEY_PATTERN.test(key.trim())) {
        return refuse(400, 'Sec-WebSocket-Key must be base64 of 16 bytes');
    }
    const origin = typeof h.origin === 'string' ? h.origin : undefined;
    if (options.allowOrigin && !options.allowOrigin(origin, req))
        return refuse(403, 'origin not allowed');
    let protocol;
    const offered = h['sec-websocket-protocol'];
    if (options.selectProtocol && typeof offered === 'string') {
        const list = offered.split(',').map((p) => p.trim()).filter((p) => p.length > 0);
        const chosen = options.selectProtocol(list, req);
        if (chosen !== undefined && list.includes(chosen))
            protocol = chosen;
    }
    return { ok: true, key: key.trim(), protocol };
}
export function acceptResponse(key, protocol, extensions) {
    let response = 'HTTP/1.1 101 Switching Protocols\r\n' +
        'Upgrade: websocket\r\n' +
        'Connection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${acceptKey(key)}\r\n`;
    if (protocol !== undefined)
        response += `Sec-WebSocket-Protocol: ${protocol}\r\n`;
    if (extensions !== undefined && extensions !== '')
        response += `Sec-WebSocket-Extensions: ${extensions}\r\n`;
    return response + '\r\n';
}
export function errorResponse(status, message, headers = {}) {
    const body = `${message}\n`;
    let response = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
        'Connection: close\r\n' +
        'Content-Type: text/plain; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n`;
    for (const [name, value] of Object.entries(headers))
        response += `${name}: ${value}\r\n`;
    return response + '\r\n' + body;
}
