import { type Counter, type Gauge, type Histogram, MetricsRegistry } from './metrics.ts';
export interface ChatStats {
    /** Open WebSocket connections, joined or not. */
    connections: number;
    topics: number;
    storedMessages: number;
    messagesTotal: number;
}
export interface ServerMetrics {
    readonly registry: MetricsRegistry;
    /** Upgrades refused, by `reason` (a slug of the library's reason) and `status`. */
    readonly upgradesRefused: Counter;
    /** Plain HTTP requests or connections refused by a limit, by `reason`. */
    readonly httpRefused: Counter;
    readonly tlsHandshakeFailures: Counter;
    /** For the chat wiring: `rateLimitedFrames.inc()` per frame dropped by the rate limit. */
    readonly rateLimitedFrames: Counter;
    /** For the chat wiring: `protocolFaults.inc({ code })` per connection closed for a fault, by close code. */
    readonly protocolFaults: Counter;
    /** For the chat wiring: `slowConsumerCloses.inc()` per connection closed as a slow consumer. */
    readonly slowConsumerCloses: Counter;
    /** For the chat wiring: `messagesDelivered.inc(undefined, n)` per chat frame queued to n connections. */
    readonly messagesDelivered: Counter;
    /** For the chat wiring: `deliveryLatency.observe(seconds)` from accepting a message to writing it out. */
    readonly deliveryLatency: Histogram;
    /** Open plain HTTP connections (not yet upgraded), set by the HTTP front. */
    readonly httpConnections: Gauge;
    /** Renders the exposition, reading the chat's gauges from `stats`. */
    render(): string;
    dispose(): void;
}
/** A slug fit for a label value: "too many connections" becomes "too_many_connections". */
export declare function reasonLabel(reason: string): string;
export declare function createServerMetrics(stats: () => ChatStats): ServerMetrics;
