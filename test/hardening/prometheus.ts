/**
 * A strict parser of the Prometheus text exposition format (0.0.4), for
 * tests: every line must be a HELP, a TYPE or a sample; each metric family
 * has one HELP and one TYPE before its samples; names and label names follow
 * the format's grammar; label values are quoted with only \\, \" and \n
 * escapes; counters end in _total or are process_cpu_seconds_total-like
 * (ending in _total too); histograms have cumulative buckets ending at
 * le="+Inf" equal to _count, and a _sum. Throws on the first violation.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*';
const VALUE = '(?:[+-]?(?:\\d+\\.?\\d*(?:[eE][+-]?\\d+)?|\\.\\d+(?:[eE][+-]?\\d+)?)|[+-]Inf|NaN)';
const SAMPLE = new RegExp(`^(${NAME})(\\{(?:${LABEL}="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"(?:,${LABEL}="(?:[^"\\\\\\n]|\\\\[\\\\"n])*")*,?)?\\})? (${VALUE})(?: -?\\d+)?$`);
const LABEL_PAIR = new RegExp(`(${LABEL})="((?:[^"\\\\\\n]|\\\\[\\\\"n])*)"`, 'g');

function parseValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

export function parseExposition(text: string): Map<string, Family> {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  const families = new Map<string, Family>();
  let current: Family | undefined;
  const lines = text.slice(0, -1).split('\n');
  lines.forEach((line, index) => {
    const where = `line ${index + 1}: ${JSON.stringify(line)}`;
    const help = new RegExp(`^# HELP (${NAME}) (.*)$`).exec(line);
    if (help) {
      if (families.has(help[1]!)) throw new Error(`${where}: second HELP for ${help[1]}`);
      current = { name: help[1]!, help: help[2]!, type: 'untyped', samples: [] };
      families.set(current.name, current);
      return;
    }
    const type = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`).exec(line);
    if (type) {
      if (!current || current.name !== type[1] || current.samples.length > 0) throw new Error(`${where}: TYPE must follow its HELP, before samples`);
      current.type = type[2] as Family['type'];
      return;
    }
    if (line.startsWith('#')) throw new Error(`${where}: unknown comment`);
    const sample = SAMPLE.exec(line);
    if (!sample) throw new Error(`${where}: not a sample`);
    if (!current) throw new Error(`${where}: sample before any HELP/TYPE`);
    const name = sample[1]!;
    const allowed = current.type === 'histogram' ? [`${current.name}_bucket`, `${current.name}_sum`, `${current.name}_count`] : [current.name];
    if (!allowed.includes(name)) throw new Error(`${where}: sample ${name} outside its family ${current.name}`);
    const labels: Record<string, string> = {};
    for (const pair of (sample[2] ?? '').matchAll(LABEL_PAIR)) {
      if (pair[1]! in labels) throw new Error(`${where}: label ${pair[1]} twice`);
      labels[pair[1]!] = pair[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    current.samples.push({ name, labels, value: parseValue(sample[3]!) });
  });
  for (const family of families.values()) checkFamily(family);
  return families;
}

function checkFamily(family: Family): void {
  if (family.type === 'untyped') throw new Error(`${family.name}: no TYPE`);
  if (family.samples.length === 0) throw new Error(`${family.name}: no samples`);
  if (family.type === 'counter') {
    if (!family.name.endsWith('_total')) throw new Error(`counter ${family.name} must end in _total`);
    for (const s of family.samples) if (!(s.value >= 0)) throw new Error(`counter ${family.name} is negative or NaN`);
  }
  if (family.type !== 'histogram') return;
  // Group by the labels other than le.
  const series = new Map<string, { buckets: [number, number][]; sum?: number; count?: number }>();
  for (const s of family.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const entry = series.get(key) ?? { buckets: [] };
    series.set(key, entry);
    if (s.name.endsWith('_bucket')) {
      if (le === undefined) throw new Error(`${family.name}: bucket without le`);
      entry.buckets.push([parseValue(le), s.value]);
    } else if (s.name.endsWith('_sum')) entry.sum = s.value;
    else entry.count = s.value;
  }
  for (const entry of series.values()) {
    const last = entry.buckets.at(-1);
    if (!last || last[0] !== Infinity) throw new Error(`${family.name}: the last bucket must be le="+Inf"`);
    for (let i = 1; i < entry.buckets.length; i++) {
      const [le, n] = entry.buckets[i]!;
      const [prevLe, prevN] = entry.buckets[i - 1]!;
      if (!(le > prevLe)) throw new Error(`${family.name}: bucket bounds must increase`);
      if (n < prevN) throw new Error(`${family.name}: buckets must be cumulative`);
    }
    if (entry.sum === undefined || entry.count === undefined) throw new Error(`${family.name}: _sum and _count are required`);
    if (entry.count !== last[1]) throw new Error(`${family.name}: _count must equal the +Inf bucket`);
  }
}
