#!/usr/bin/env node
// Prints the top functions by self time of a V8 .cpuprofile (from node --cpu-prof):
//   node bench/lib/profile-summary.js FILE.cpuprofile [TOP]
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = profile.timeDeltas;
let total = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const node = byId.get(profile.samples[i]);
  const d = dt[i] ?? 0;
  total += d;
  const cf = node.callFrame;
  const where = cf.url ? `${cf.url.replace(/^.*\/(dist|bench|node_modules)\//, '$1/')}:${cf.lineNumber + 1}` : '';
  const key = `${cf.functionName || '(anonymous)'} ${where}`.trim();
  self.set(key, (self.get(key) ?? 0) + d);
}
const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, top);
console.log(`total sampled ${(total / 1000).toFixed(0)} ms`);
for (const [key, us] of rows) console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${key}`);
