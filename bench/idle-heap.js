#!/usr/bin/env node
// The V8 heap of an idle chat server: starts `bin/server.js` (from this
// checkout, or from the directory given with --root, e.g. an older build's
// copy) on a free port, waits, collects garbage and prints the heap in use.
// Code that a process loads stays on its heap, and under fan-out load V8's
// full collections come sooner the fuller the old generation is (README,
// "Performance"), so this is a figure to watch when adding modules.
//   node bench/idle-heap.js [--root DIR] [--runs 3]
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    root: { type: 'string', default: fileURLToPath(new URL('..', import.meta.url)) },
    runs: { type: 'string', default: '3' },
  },
});

// Runs inside the server (--import): after 1.5 s, two full GCs, then the heap in use.
const probe =
  'data:text/javascript,' +
  encodeURIComponent(
    'setTimeout(() => { globalThis.gc(); globalThis.gc(); process.stdout.write("heapUsed " + process.memoryUsage().heapUsed + "\\n"); process.exit(0); }, 1500);',
  );

function once() {
  return new Promise((resolve, reject) => {
    const args = ['--expose-gc', '--import', probe, `${values.root}/bin/server.js`, '--port', '0', '--host', '127.0.0.1', '--log-level', 'warn'];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('exit', () => {
      const match = /heapUsed (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
      else reject(new Error(`no heap figure from the server: ${out.slice(0, 200)}`));
    });
  });
}

const figures = [];
for (let i = 0; i < Math.max(1, Number(values.runs) || 1); i++) figures.push(await once());
figures.sort((a, b) => a - b);
const median = figures[Math.floor(figures.length / 2)];
console.log(`idle server heap after GC: ${(median / 1e6).toFixed(2)} MB (median of ${figures.length}: ${figures.map((f) => (f / 1e6).toFixed(2)).join(', ')})`);
console.log(`root: ${values.root}; command: node bench/idle-heap.js${process.argv.slice(2).length ? ' ' + process.argv.slice(2).join(' ') : ''}`);
