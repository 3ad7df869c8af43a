// Starting and stopping the servers under test, and reading their CPU time
// and memory from /proc. Every child is killed when this process exits.
import { spawn, execFileSync } from 'node:child_process';
import { closeSync, cpSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { get } from 'node:http';
import net from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
export const ROOT = here('../../');
const PROBE = pathToFileURL(here('./probe.js')).href;
export const SCRIPTS = {
  ours: here('../../bin/server.js'),
  baseline: here('../baseline-ws-server.js'),
};
const OURS_FLAGS = ['--rate-limit', '0', '--max-connections', '0', '--max-connections-per-ip', '0', '--heartbeat', '0', '--log-level', 'warn'];

/**
 * Runs our server from a private copy of bin/, dist/, web/ and package.json
 * taken now, so that a rebuild of dist/ by someone else during a long run
 * (rm -rf dist, then tsc) cannot break or mix the runs. Returns the copy's root.
 */
export function useCodeSnapshot() {
  const dir = mkdtempSync(join(os.tmpdir(), 'wschat-bench-'));
  for (const name of ['bin', 'dist', 'web', 'package.json']) cpSync(join(ROOT, name), join(dir, name), { recursive: true });
  SCRIPTS.ours = join(dir, 'bin', 'server.js');
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

let clkTck = 100;
try {
  clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {}
export const CLK_TCK = clkTck;

const children = new Set();
/** Adds a child process of another kind (redis-server) to those killed when this process exits. */
export function adopt(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
}
export function killAllServers() {
  for (const child of children) {
    try {
      child.kill('SIGKILL');
    } catch {}
  }
}
process.on('exit', killAllServers);

/** Seconds of CPU (user + system, all threads) the process has used so far. */
export function procCpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After "pid (comm) ": state is field 3, so utime (14) and stime (15) are at 11 and 12.
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** Write system calls (write, writev, send...) the process has made so far (/proc/<pid>/io syscw). */
export function procWriteCalls(pid) {
  const m = /^syscw:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/** Resident set size in bytes (VmRSS). */
export function procRss(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export function httpGetJson(port, path, timeoutMs = 2000) {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path, timeout: timeoutMs, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`GET ${path}: ${res.statusCode}`));
        try {
          resolve(JSON.parse(body));
        } catch (error) {
          reject(error);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `kind` ('ours' | 'baseline') on a free port of 127.0.0.1 and waits
 * until GET /healthz answers. The server runs under `--expose-gc` with the
 * probe preloaded, so `probe()` can ask it for a GC'd memory reading.
 */
export async function startServer(kind, { extraArgs = [], nodeArgs = [], stdoutFile } = {}) {
  const port = await freePort();
  const args = [...nodeArgs, '--expose-gc', '--import', PROBE, SCRIPTS[kind], '--port', String(port), '--host', '127.0.0.1'];
  if (kind === 'ours') args.push(...OURS_FLAGS);
  args.push(...extraArgs);
  // stdoutFile: where the server's stdout goes (e.g. V8's --trace-gc lines); otherwise nowhere.
  const stdout = stdoutFile === undefined ? 'ignore' : openSync(stdoutFile, 'w');
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', stdout, 'pipe'] });
  if (typeof stdout === 'number') closeSync(stdout);
  children.add(child);
  const tail = [];
  const probes = [];
  let partial = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text) => {
    const lines = (partial + text).split('\n');
    partial = lines.pop();
    for (const line of lines) {
      if (line.startsWith('@@probe ')) probes.shift()?.(JSON.parse(line.slice(8)));
      else {
        tail.push(line);
        if (tail.length > 50) tail.shift();
      }
    }
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.once('exit', () => children.delete(child));
  const command = [process.execPath, ...args].join(' ');

  const deadline = Date.now() + 10000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${kind} server exited during startup: ${tail.join('\n')}`);
    }
    try {
      await httpGetJson(port, '/healthz', 500);
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`${kind} server did not answer /healthz within 10 s: ${tail.join('\n')}`);
      }
      await sleep(50);
    }
  }

  return {
    kind,
    port,
    pid: child.pid,
    command,
    cpuSeconds: () => procCpuSeconds(child.pid),
    writeCalls: () => procWriteCalls(child.pid),
    rss: () => procRss(child.pid),
    healthz: () => httpGetJson(port, '/healthz'),
    stderrTail: () => tail.slice(),
    /** GC'd memory figures from inside the server (rss, heapUsed, ...). */
    probe(timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('memory probe timed out')), timeoutMs);
        probes.push((value) => {
          clearTimeout(timer);
          resolve(value);
        });
        child.kill('SIGUSR2');
      });
    },
    get alive() {
      return child.exitCode === null && child.signalCode === null;
    },
    /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
    async stop(graceMs = 3000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}
