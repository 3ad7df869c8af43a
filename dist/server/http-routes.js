const PLACEHOLDER_PAGE = '<!doctype html><meta charset="utf-8"><title>wschat</title>' +
    '<p>wschat is running. Connect a WebSocket client to <code>/ws</code>.</p>\n';
export function route(context, req, res) {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q === -1 ? url : url.slice(0, q);
    const readOnly = req.method === 'GET' || req.method === 'HEAD';
    if (pathname === '/healthz' || pathname === '/metrics') {
        if (!readOnly)
            return plain(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
        if (pathname === '/healthz') {
            const body = JSON.stringify({ status: 'ok', ...context.health() });
            res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body) });
            res.end(req.method === 'HEAD' ? undefined : body);
            return;
        }
        const body = context.metrics.render();
        res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body) });
        res.end(req.method === 'HEAD' ? undefined : body);
        return;
    }
    if (pathname === '/ws') {
        return plain(res, 426, 'this is the chat WebSocket endpoint: send an Upgrade request', {
            'Sec-WebSocket-Version': '13',
            Upgrade: 'websocket',
        });
    }
    if (context.staticFiles.serve(req, res, pathname))
        return;
    if (pathname === '/' && readOnly) {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        res.end(req.method === 'HEAD' ? undefined : PLACEHOLDER_PAGE);
        return;
    }
    plain(res, 404, 'not found');
}
export function plain(res, status, message, headers = {}) {
    const body = `${message}\n`;
    res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
}
