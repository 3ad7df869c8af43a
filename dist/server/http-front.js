import { readFileSync } from 'node:fs';
import { STATUS_CODES, createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { errorResponse } from "../websocket/handshake.js";
import { BurstLog, HttpGuard } from "./http-guard.js";
import { route } from "./http-routes.js";
import { originPolicy } from "./origin.js";
import { clientAddressFrom, plainAddress, trustedProxies } from "./proxy.js";
import { createServerMetrics, reasonLabel } from "./server-metrics.js";
import { StaticFiles } from "./static-files.js";
export const KEEP_ALIVE_TIMEOUT_MS = 5000;
const DEADLINE_CHECK_MS = 1000;
const FALLBACK_REQUEST_TIMEOUT_MS = 30_000;
export function createHttpFront(options, logger, hooks, webRoot) {
    const trusted = trustedProxies(options.trustProxy);
    const clientAddress = (req) => clientAddressFrom(req, trusted);
    const metrics = createServerMetrics(hooks.stats);
    const guard = new HttpGuard({ maxConnections: options.maxHttpConnections, maxPerAddress: options.maxHttpConnectionsPerIp, trusted }, logger, metrics);
    const context = {
        staticFiles: new StaticFiles(webRoot),
        metrics,
        health: () => {
            const stats = hooks.stats();
            return { connections: stats.connections, topics: stats.topics, storedMessages: stats.storedMessages, ...hooks.healthExtra?.() };
        },
    };
    const requestTimeout = options.handshakeTimeout > 0 ? options.handshakeTimeout * 1000 : FALLBACK_REQUEST_TIMEOUT_MS;
    const httpOptions = {
        requestTimeout,
        headersTimeout: requestTimeout,
        keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
        connectionsCheckingInterval: DEADLINE_CHECK_MS,
    };
    const onRequest = (req, res) => {
        if (guard.checkBody(req, res, clientAddress(req)))
            return;
        route(context, req, res);
    };
    const tls = options.tlsCert !== undefined && options.tlsKey !== undefined;
    const http = tls
        ? createHttpsServer({
            ...httpOptions,
            cert: readFileSync(options.tlsCert),
            key: readFileSync(options.tlsKey),
            ...(options.handshakeTimeout > 0 ? { handshakeTimeout: options.handshakeTimeout * 1000 } : {}),
        }, onRequest)
        : createHttpServer(httpOptions, onRequest);
    guard.attach(http, tls);
    http.on('clientError', (error, socket) => {
        logger.debug('http_client_error', { code: error.code, addr: plainAddress(socket.remoteAddress ?? '') });
        if (error.code === 'ECONNRESET' || !socket.writable)
            return void socket.destroy();
        const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
        if (status === 408)
            metrics.httpRefused.inc({ reason: 'request_timeout' });
        socket.end(errorResponse(status, STATUS_CODES[status] ?? 'bad request'));
        setTimeout(() => socket.destroy(), 1000).unref();
    });
    const tlsFailures = new BurstLog(logger, 'tls_handshake_failed');
    http.on('tlsClientError', (error, socket) => {
        metrics.tlsHandshakeFailures.inc();
        tlsFailures.hit({ addr: plainAddress(socket.remoteAddress ?? ''), code: error.code, reason: error.message });
    });
    return {
        http,
        metrics,
        clientAddress,
        allowOrigin: originPolicy(options.allowedOrigins, trusted),
        watch(sockets) {
            sockets.on('rejected', (status, reason, req) => {
                metrics.upgradesRefused.inc({ reason: reasonLabel(reason), status });
                logger.info('upgrade_refused', { status, reason, addr: clientAddress(req), path: req.url });
            });
        },
        listen() {
            return new Promise((resolve, reject) => {
                http.once('error', reject);
                http.listen(options.port, options.host, () => {
                    http.off('error', reject);
                    resolve(http.address());
                });
            });
        },
        close() {
            http.close();
            http.closeIdleConnections();
            guard.stop();
            tlsFailures.stop();
            metrics.dispose();
        },
    };
}
