/**
 * A small metrics registry: counters, gauges and histograms with labels,
 * rendered in the Prometheus text exposition format (version 0.0.4).
 * No dependencies; a metric costs a Map entry per label set, nothing per event.
 *
 * Names follow the Prometheus conventions: snake_case, base units (seconds,
 * bytes), counters end in `_total`.
 */
export type Labels = Readonly<Record<string, string | number>>;
interface Metric {
    readonly name: string;
    readonly help: string;
    readonly type: 'counter' | 'gauge' | 'histogram';
    render(out: string[]): void;
}
/** One series per distinct label set, keyed by its rendered label text. */
declare class Series<T> {
    readonly byKey: Map<string, {
        labels: Labels | undefined;
        value: T;
    }>;
    get(labels: Labels | undefined, make: () => T): T;
}
/**
 * A number per label set (or one read when rendered): what counters and
 * gauges have in common; they differ only in how the number may change.
 */
declare abstract class ValueMetric implements Metric {
    abstract readonly type: 'counter' | 'gauge';
    protected readonly series: Series<{
        v: number;
    }>;
    readonly name: string;
    readonly help: string;
    private readonly collect;
    constructor(name: string, help: string, collect?: () => number);
    protected entry(labels: Labels | undefined): {
        v: number;
    };
    render(out: string[]): void;
}
export declare class Counter extends ValueMetric {
    readonly type = "counter";
    inc(labels?: Labels, amount?: number): void;
}
export declare class Gauge extends ValueMetric {
    readonly type = "gauge";
    set(value: number, labels?: Labels): void;
    inc(labels?: Labels, amount?: number): void;
}
export declare class Histogram implements Metric {
    readonly type = "histogram";
    private readonly series;
    readonly buckets: readonly number[];
    readonly name: string;
    readonly help: string;
    constructor(name: string, help: string, buckets: readonly number[]);
    observe(value: number, labels?: Labels): void;
    render(out: string[]): void;
}
export declare class MetricsRegistry {
    private readonly metrics;
    /** `collect`: read the value when rendered (for totals kept elsewhere, e.g. CPU time). */
    counter(name: string, help: string, collect?: () => number): Counter;
    gauge(name: string, help: string, collect?: () => number): Gauge;
    histogram(name: string, help: string, buckets: readonly number[]): Histogram;
    /** The whole exposition, one `# HELP` and `# TYPE` per metric. */
    render(): string;
    private add;
}
export {};
