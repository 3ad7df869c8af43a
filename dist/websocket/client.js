import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { WebSocketConnection } from "./connection.js";
import { acceptKey, generateKey } from "./handshake.js";
import { acceptDeflateResponse, deflateOffer, } from "./permessage-deflate.js";
export class HandshakeError extends Error {
    status;
    constructor(message, status) {
        super(message);
        this.name = 'HandshakeError';
        this.status = status;
    }
}
export function connect(url, options = {}) {
    return new Promise((resolve, reject) => {
        let target;
        try {
            target = new URL(url);
        }
        catch {
            reject(new HandshakeError(`invalid URL: ${String(url)}`));
            return;
        }
        const secure = target.protocol === 'wss:' || target.protocol === 'https:';
        if (!secure && target.protocol !== 'ws:' && target.protocol !== 'http:') {
            reject(new HandshakeError(`unsupported URL scheme ${target.protocol}`));
            return;
        }
        const key = generateKey();
        const headers = {
            ...options.headers,
            Connection: 'Upgrade',
            Upgrade: 'websocket',
            'Sec-WebSocket-Key': key,
            'Sec-WebSocket-Version': '13',
        };
        if (options.protocols && options.protocols.length > 0) {
            headers['Sec-WebSocket-Protocol'] = options.protocols.join(', ');
        }
        if (options.origin !== undefined)
            headers['Origin'] = options.origin;
        const deflateOptions = options.perMessageDeflate === true ? {} : options.perMessageDeflate ? options.perMessageDeflate : undefined;
        if (deflateOptions)
            headers['Sec-WebSocket-Extensions'] = deflateOffer(deflateOptions);
        const send = secure ? httpsRequest : httpRequest;
        const req = send({
            hostname: target.hostname.replace(/^\[|\]$/g, ''),
            port: target.port || (secure ? 443 : 80),
            path: target.pathname + target.search,
            headers,
            ...(secure && options.ca !== undefined ? { ca: options.ca } : {}),
            ...(secure && options.rejectUnauthorized !== undefined ? { rejectUnauthorized: options.rejectUnauthorized } : {}),
        });
        const timer = setTimeout(() => {
            req.destroy(new HandshakeError('handshake timed out'));
        }, options.handshakeTimeoutMs ?? 10_000);
        req.on('error', (error) => {
            clearTimeout(timer);
            reject(error);
        });
        req.on('response', (res) => {
            clearTimeout(timer);
            res.resume();
            reject(new HandshakeError(`server answered ${res.statusCode} without upgrading to WebSocket`, res.statusCode));
        });
        req.on('upgrade', (res, socket, head) => {
            clearTimeout(timer);
            const problem = res.headers['sec-websocket-accept'] !== acceptKey(key)
                ? 'wrong Sec-WebSocket-Accept'
                : res.headers.upgrade?.toLowerCase() !== 'websocket'
                    ? 'Upgrade is not websocket'
                    : undefined;
            const protocol = res.headers['sec-websocket-protocol'];
            if (problem) {
                socket.destroy();
                reject(new HandshakeError(problem, res.statusCode));
                return;
            }
            if (protocol !== undefined && !options.protocols?.includes(protocol)) {
                socket.destroy();
                reject(new HandshakeError(`server chose a subprotocol we did not offer: ${protocol}`));
                return;
            }
            const extensions = res.headers['sec-websocket-extensions'];
            let deflate;
            if (extensions !== undefined) {
                const agreed = deflateOptions
                    ? acceptDeflateResponse(extensions, deflateOptions)
                    : `server chose an extension we did not offer: ${extensions}`;
                if (typeof agreed === 'string') {
                    socket.destroy();
                    reject(new HandshakeError(agreed));
                    return;
                }
                deflate = agreed;
            }
            socket.setNoDelay(true);
            socket.pause();
            if (head.length > 0)
                socket.unshift(head);
            const connection = new WebSocketConnection(socket, {
                role: 'client',
                maxMessageSize: options.maxMessageSize,
                maxFragments: options.maxFragments,
                closeTimeoutMs: options.closeTimeoutMs,
                protocol,
                remoteAddress: socket.remoteAddress,
                deflate,
            });
            resolve(connection);
            setImmediate(() => socket.resume());
        });
        req.end();
    });
}
