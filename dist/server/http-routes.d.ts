/**
 * The plain HTTP routes: /healthz, /metrics, /ws (426 without an upgrade),
 * the web page's static files, a placeholder page when there is none, 404.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerMetrics } from './server-metrics.ts';
import type { StaticFiles } from './static-files.ts';
export interface RouteContext {
    staticFiles: StaticFiles;
    metrics: ServerMetrics;
    /** The body of /healthz (`status: 'ok'` is added first). */
    health(): Record<string, unknown>;
}
export declare function route(context: RouteContext, req: IncomingMessage, res: ServerResponse): void;
export declare function plain(res: ServerResponse, status: number, message: string, headers?: Record<string, string>): void;
