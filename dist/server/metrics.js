const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
function labelText(labels, extra) {
    const parts = [];
    if (labels) {
        for (const [key, value] of Object.entries(labels)) {
            parts.push(`${key}="${String(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
        }
    }
    if (extra)
        parts.push(extra);
    return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}
function numberText(value) {
    if (Number.isNaN(value))
        return 'NaN';
    if (value === Infinity)
        return '+Inf';
    if (value === -Infinity)
        return '-Inf';
    return String(value);
}
function checkLabels(labels) {
    if (!labels)
        return;
    for (const key of Object.keys(labels)) {
        if (!LABEL_NAME.test(key) || key.startsWith('__') || key === 'le')
            throw new Error(`bad label name ${JSON.stringify(key)}`);
    }
}
class Series {
    byKey = new Map();
    get(labels, make) {
        const key = labelText(labels);
        let entry = this.byKey.get(key);
        if (!entry) {
            checkLabels(labels);
            entry = { labels, value: make() };
            this.byKey.set(key, entry);
        }
        return entry.value;
    }
}
class ValueMetric {
    series = new Series();
    name;
    help;
    collect;
    constructor(name, help, collect) {
        this.name = name;
        this.help = help;
        this.collect = collect;
    }
    entry(labels) {
        return this.series.get(labels, () => ({ v: 0 }));
    }
    render(out) {
        if (this.collect)
            out.push(`${this.name} ${numberText(this.collect())}`);
        for (const { labels, value } of this.series.byKey.values())
            out.push(`${this.name}${labelText(labels)} ${numberText(value.v)}`);
        if (!this.collect && this.series.byKey.size === 0)
            out.push(`${this.name} 0`);
    }
}
export class Counter extends ValueMetric {
    type = 'counter';
    inc(labels, amount = 1) {
        if (!(amount >= 0))
            return;
        this.entry(labels).v += amount;
    }
}
export class Gauge extends ValueMetric {
    type = 'gauge';
    set(value, labels) {
        this.entry(labels).v = value;
    }
    inc(labels, amount = 1) {
        this.entry(labels).v += amount;
    }
}
export class Histogram {
    type = 'histogram';
    series = new Series();
    buckets;
    name;
    help;
    constructor(name, help, buckets) {
        this.name = name;
        this.help = help;
        this.buckets = [...buckets].sort((a, b) => a - b);
    }
    observe(value, labels) {
        const state = this.series.get(labels, () => ({ counts: new Array(this.buckets.length).fill(0), sum: 0, count: 0 }));
        const i = this.buckets.findIndex((upper) => value <= upper);
        if (i !== -1)
            state.counts[i]++;
        state.sum += value;
        state.count++;
    }
    render(out) {
        const all = this.series.byKey.size === 0 ? [{ labels: undefined, value: { counts: this.buckets.map(() => 0), sum: 0, count: 0 } }] : this.series.byKey.values();
        for (const { labels, value } of all) {
            let cumulative = 0;
            this.buckets.forEach((upper, i) => {
                cumulative += value.counts[i];
                out.push(`${this.name}_bucket${labelText(labels, `le="${numberText(upper)}"`)} ${cumulative}`);
            });
            out.push(`${this.name}_bucket${labelText(labels, 'le="+Inf"')} ${value.count}`);
            out.push(`${this.name}_sum${labelText(labels)} ${numberText(value.sum)}`);
            out.push(`${this.name}_count${labelText(labels)} ${value.count}`);
        }
    }
}
export class MetricsRegistry {
    metrics = new Map();
    counter(name, help, collect) {
        return this.add(new Counter(name, help, collect));
    }
    gauge(name, help, collect) {
        return this.add(new Gauge(name, help, collect));
    }
    histogram(name, help, buckets) {
        return this.add(new Histogram(name, help, buckets));
    }
    render() {
        const out = [];
        for (const metric of this.metrics.values()) {
            out.push(`# HELP ${metric.name} ${metric.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`);
            out.push(`# TYPE ${metric.name} ${metric.type}`);
            metric.render(out);
        }
        out.push('');
        return out.join('\n');
    }
    add(metric) {
        if (!NAME.test(metric.name))
            throw new Error(`bad metric name ${JSON.stringify(metric.name)}`);
        if (this.metrics.has(metric.name))
            throw new Error(`metric ${metric.name} registered twice`);
        this.metrics.set(metric.name, metric);
        return metric;
    }
}
