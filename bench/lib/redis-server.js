// A throw-away redis-server for the cluster benchmarks: Debian's binary on a
// free port of 127.0.0.1, nothing persisted, stopped by its PID.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { adopt, freePort, procCpuSeconds } from './servers.js';

export const REDIS_SERVER = '/usr/bin/redis-server';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** One PING over a fresh connection; resolves true on +PONG. */
function ping(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => done(d.toString('latin1').startsWith('+PONG')));
  });
}

/** Calls of each command so far, from `INFO commandstats` ({ xadd: n, xread: n, ... }). */
function commandCalls(port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let text = '';
    socket.setTimeout(2000, () => socket.destroy(new Error('INFO timed out')));
    socket.once('error', reject);
    socket.once('connect', () => socket.write('INFO commandstats\r\n'));
    socket.on('data', (d) => {
      text += d.toString('latin1');
      const header = /^\$(\d+)\r\n/.exec(text);
      if (header === null || text.length < header[0].length + Number(header[1])) return;
      socket.destroy();
      const calls = {};
      for (const m of text.matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm)) calls[m[1]] = Number(m[2]);
      resolve(calls);
    });
  });
}

/** Starts redis-server and waits until it answers PING. */
export async function startRedis() {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const child = spawn(REDIS_SERVER, args, { stdio: 'ignore' });
  adopt(child);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const deadline = Date.now() + 10000;
  while (!(await ping(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server on port ${port} did not answer PING`);
    }
    await sleep(50);
  }
  return {
    port,
    pid: child.pid,
    url: `redis://127.0.0.1:${port}/0`,
    command: [REDIS_SERVER, ...args.map((a) => (a === '' ? "''" : a))].join(' '),
    cpuSeconds: () => procCpuSeconds(child.pid),
    commandCalls: () => commandCalls(port),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
