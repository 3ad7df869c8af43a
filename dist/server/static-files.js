import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
const CONTENT_TYPES = {
    '.html': 'text/html; charset=utf-8',
    '.js': 'text/javascript; charset=utf-8',
    '.css': 'text/css; charset=utf-8',
    '.svg': 'image/svg+xml',
    '.png': 'image/png',
    '.ico': 'image/x-icon',
    '.webmanifest': 'application/manifest+json',
    '.txt': 'text/plain; charset=utf-8',
};
export const CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
    "connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
export class StaticFiles {
    files = new Map();
    constructor(root) {
        this.load(root, '/');
        const index = this.files.get('/index.html');
        if (index)
            this.files.set('/', index);
    }
    get size() {
        return this.files.size;
    }
    load(dir, prefix) {
        let names;
        try {
            names = readdirSync(dir);
        }
        catch {
            return;
        }
        for (const name of names.sort()) {
            if (name.startsWith('.'))
                continue;
            const path = join(dir, name);
            const stat = statSync(path);
            if (stat.isDirectory()) {
                this.load(path, `${prefix}${name}/`);
                continue;
            }
            const type = CONTENT_TYPES[extname(name)];
            if (!stat.isFile() || type === undefined)
                continue;
            const body = readFileSync(path);
            const etag = `"${createHash('sha1').update(body).digest('base64url').slice(0, 16)}"`;
            this.files.set(prefix + name, { body, type, etag });
        }
    }
    serve(req, res, pathname) {
        const file = this.files.get(pathname);
        if (!file)
            return false;
        if (req.method !== 'GET' && req.method !== 'HEAD') {
            res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
            res.end('method not allowed\n');
            return true;
        }
        const headers = {
            'Content-Type': file.type,
            'Cache-Control': 'no-cache',
            ETag: file.etag,
            'Content-Security-Policy': CONTENT_SECURITY_POLICY,
            'X-Content-Type-Options': 'nosniff',
            'Referrer-Policy': 'no-referrer',
        };
        if (req.headers['if-none-match'] === file.etag) {
            res.writeHead(304, headers);
            res.end();
            return true;
        }
        res.writeHead(200, { ...headers, 'Content-Length': file.body.length });
        res.end(req.method === 'HEAD' ? undefined : file.body);
        return true;
    }
}
