/**
 * Starts a real redis-server (Debian's /usr/bin/redis-server) on a free port of
 * 127.0.0.1, without persistence, for tests. It talks to Redis over raw sockets
 * only, so it does not depend on our own client (lib/redis) that it helps test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';

export const REDIS_SERVER_PATH = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';

export interface RedisServerOptions {
  /** Passed as --requirepass. */
  password?: string;
  /** A fixed port instead of a free one. */
  port?: number;
  /** Extra command-line arguments, e.g. ['--databases', '4']. */
  extraArgs?: string[];
  /** How long to wait for the first PONG. Default 10 s. */
  startTimeoutMs?: number;
}

export interface RunningRedis {
  port: number;
  url: string;
  /** The current process id (changes on restart). */
  readonly pid: number;
  /** SIGTERM, and wait for the process to exit. */
  stop(): Promise<void>;
  /** SIGKILL, and wait for the process to exit. */
  kill(): Promise<void>;
  /** SIGSTOP: the server keeps its sockets open but answers nothing. */
  pause(): void;
  /** SIGCONT. */
  resume(): void;
  /** SIGKILL, then start again, empty, on the same port. */
  restart(): Promise<void>;
}

const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

/** A test that fails half-way must not leave redis-server processes behind. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of liveChildren) {
      if (child.pid !== undefined) {
        try { process.kill(child.pid, 'SIGKILL'); } catch { /* already gone */ }
      }
    }
  });
}

export async function startRedis(options: RedisServerOptions = {}): Promise<RunningRedis> {
  if (!existsSync(REDIS_SERVER_PATH)) {
    throw new Error(`redis-server not found at ${REDIS_SERVER_PATH}: install Debian's redis-server package (apt-get install redis-server) or set REDIS_SERVER`);
  }
  installExitHook();
  let child: ChildProcess | undefined;
  let port = options.port ?? 0;
  for (let attempt = 1; ; attempt++) {
    const tryPort = port || (await findFreePort());
    try {
      child = await spawnAndWait(tryPort, options);
      port = tryPort;
      break;
    } catch (error) {
      // Another process may take the port between our probe and Redis's bind.
      if (options.port !== undefined || attempt >= 5 || !(error instanceof PortInUseError)) throw error;
    }
  }

  let current = child;
  const running: RunningRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() { return current.pid!; },
    stop: () => terminate(current, 'SIGTERM'),
    kill: () => terminate(current, 'SIGKILL'),
    pause: () => { signal(current, 'SIGSTOP'); },
    resume: () => { signal(current, 'SIGCONT'); },
    async restart() {
      await terminate(current, 'SIGKILL');
      // The port was just released by a SIGKILLed process; the kernel lets us
      // bind again at once (Redis sets SO_REUSEADDR), but retry a few times.
      for (let attempt = 1; ; attempt++) {
        try {
          current = await spawnAndWait(port, options);
          return;
        } catch (error) {
          if (attempt >= 20 || !(error instanceof PortInUseError)) throw error;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    },
  };
  return running;
}

class PortInUseError extends Error {}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function spawnAndWait(port: number, options: RedisServerOptions): Promise<ChildProcess> {
  const args = [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--loglevel', 'warning', ...(options.password !== undefined ? ['--requirepass', options.password] : []),
    ...(options.extraArgs ?? []),
  ];
  const child = spawn(REDIS_SERVER_PATH, args, { cwd: tmpdir(), stdio: ['ignore', 'pipe', 'pipe'] });
  liveChildren.add(child);
  let output = '';
  const keepOutput = (chunk: Buffer) => { output = (output + chunk.toString('utf8')).slice(-4000); };
  child.stdout!.on('data', keepOutput);
  child.stderr!.on('data', keepOutput);
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code, signalName) => {
      liveChildren.delete(child);
      const message = `redis-server on port ${port} exited (${code ?? signalName}) before answering PING:\n${output}`;
      reject(/already in use|EADDRINUSE/i.test(output) ? new PortInUseError(message) : new Error(message));
    });
    child.once('error', (error) => reject(new Error(`cannot run ${REDIS_SERVER_PATH}: ${error.message}`)));
  });
  exited.catch(() => {}); // only observed through the race below
  const deadline = Date.now() + (options.startTimeoutMs ?? 10_000);
  try {
    await Promise.race([exited, waitForPong(port, deadline)]);
  } catch (error) {
    if (child.exitCode === null && child.signalCode === null) await terminate(child, 'SIGKILL');
    throw error;
  }
  return child;
}

/** PING until a reply comes; -NOAUTH also proves the server is answering. */
async function waitForPong(port: number, deadline: number): Promise<void> {
  for (;;) {
    try {
      const reply = await rawCommand(port, ['PING'], { timeoutMs: Math.max(100, deadline - Date.now()) });
      if (reply.startsWith('+PONG') || reply.startsWith('-NOAUTH')) return;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer PING in time`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function signal(child: ChildProcess, name: NodeJS.Signals): void {
  if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, name);
}

function terminate(child: ChildProcess, name: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid!, name);
  // A stopped (SIGSTOPped) process only acts on SIGTERM once it runs again.
  if (name === 'SIGTERM') process.kill(child.pid!, 'SIGCONT');
  return exited;
}

export interface RawCommandOptions {
  /** Sent as AUTH first; its reply is not returned. */
  password?: string;
  /** Default 5 s. */
  timeoutMs?: number;
}

/**
 * Sends one command over a fresh socket and returns the raw RESP reply text,
 * e.g. '+OK\r\n', ':3\r\n', '$1\r\n5\r\n'. For assertions in tests.
 */
export function rawCommand(port: number, args: Array<string | number>, options: RawCommandOptions = {}): Promise<string> {
  const commands = options.password !== undefined ? [['AUTH', options.password], args] : [args];
  const request = commands.map((command) => encode(command)).join('');
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => fail(new Error(`no reply to ${String(args[0])} within the timeout`)), options.timeoutMs ?? 5000);
    function fail(error: Error) { clearTimeout(timer); socket.destroy(); reject(error); }
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed before a full reply')));
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      let offset = 0;
      for (let index = 0; index < commands.length; index++) {
        const end = replyEnd(received, offset);
        if (end < 0) return;
        if (index === commands.length - 1) {
          clearTimeout(timer);
          socket.removeAllListeners('close');
          socket.destroy();
          resolve(received.subarray(offset, end).toString('utf8'));
          return;
        }
        offset = end;
      }
    });
  });
}

function encode(args: Array<string | number>): string {
  return `*${args.length}\r\n` + args.map((arg) => `$${Buffer.byteLength(String(arg))}\r\n${arg}\r\n`).join('');
}

/** Index just past one complete RESP2 reply starting at offset, or -1. */
function replyEnd(buffer: Buffer, offset: number): number {
  const lineEnd = buffer.indexOf('\r\n', offset);
  if (lineEnd < 0) return -1;
  const type = String.fromCharCode(buffer[offset]!);
  const length = Number(buffer.toString('latin1', offset + 1, lineEnd));
  let next = lineEnd + 2;
  if (type === '$') return length < 0 ? next : buffer.length >= next + length + 2 ? next + length + 2 : -1;
  if (type === '*') {
    for (let index = 0; index < length; index++) {
      next = replyEnd(buffer, next);
      if (next < 0) return -1;
    }
  }
  return next;
}
