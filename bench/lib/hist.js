// A log-linear latency histogram in microseconds: 1 µs buckets below 1024 µs,
// then 64 buckets per power of two (under 1.6 % error). Mergeable across threads.
const LINEAR = 1024;
const SUB = 64;
const MAX_EXP = 40;
export const HIST_SIZE = LINEAR + (MAX_EXP - 10 + 1) * SUB;

export function newHist() {
  return new Float64Array(HIST_SIZE);
}

export function histAdd(h, us) {
  if (!(us >= 0)) us = 0;
  if (us < LINEAR) {
    h[us | 0]++;
    return;
  }
  let e = Math.floor(Math.log2(us));
  if (e > MAX_EXP) e = MAX_EXP;
  const sub = Math.min(SUB - 1, Math.floor((us / 2 ** e - 1) * SUB));
  h[LINEAR + (e - 10) * SUB + sub]++;
}

function bucketValue(i) {
  if (i < LINEAR) return i + 0.5;
  const e = Math.floor((i - LINEAR) / SUB) + 10;
  const sub = (i - LINEAR) % SUB;
  return 2 ** e * (1 + (sub + 0.5) / SUB);
}

export function histMerge(into, from) {
  for (let i = 0; i < HIST_SIZE; i++) into[i] += from[i];
  return into;
}

export function histCount(h) {
  let n = 0;
  for (let i = 0; i < HIST_SIZE; i++) n += h[i];
  return n;
}

/** The value at quantile q (0..1) in µs, or NaN if empty. */
export function histQuantile(h, q) {
  const total = histCount(h);
  if (total === 0) return NaN;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < HIST_SIZE; i++) {
    seen += h[i];
    if (seen >= rank) return bucketValue(i);
  }
  return bucketValue(HIST_SIZE - 1);
}

/** Monotonic microseconds, the same clock in every thread and process of the machine. */
export function nowUs() {
  const [s, ns] = process.hrtime();
  return s * 1e6 + ns / 1e3;
}
