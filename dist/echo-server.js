import { createServer } from 'node:http';
import { WebSocketServer } from "./websocket/server.js";
export async function startEchoServer(options = {}) {
    const server = createServer((req, res) => {
        req.resume();
        const body = 'Upgrade Required: this is a WebSocket endpoint\n';
        res.writeHead(426, {
            'Sec-WebSocket-Version': '13',
            Upgrade: 'websocket',
            Connection: 'close',
            'Content-Type': 'text/plain; charset=utf-8',
            'Content-Length': Buffer.byteLength(body),
        });
        res.end(body);
    });
    const sockets = new WebSocketServer({
        maxMessageSize: options.maxMessageSize ?? 16 * 1024 * 1024,
        maxFragments: options.maxFragments ?? 131_072,
        perMessageDeflate: options.perMessageDeflate === false ? false : { threshold: 0 },
    }).attach(server);
    sockets.on('connection', (connection) => {
        connection.on('message', (data) => connection.send(data));
    });
    await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port ?? 9001, options.host ?? '127.0.0.1', () => resolve());
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return {
        server,
        sockets,
        port,
        async close() {
            await sockets.closeAll();
            await new Promise((resolve) => server.close(() => resolve()));
        },
    };
}
