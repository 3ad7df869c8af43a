/**
 * Cluster tests' fixture: a real redis-server and N processes of
 * `node bin/server.js --redis URL`, spawned as a user would (bin/server.js
 * runs dist/, so `npm run build` first). Every process is stopped by its PID
 * at the end, and on exit if a test failed half-way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { ourClient, type ChatTestClient, type Frame } from './chat-client.ts';
import { startRedis, type RunningRedis } from './redis-server.ts';

const SERVER_BIN = fileURLToPath(new URL('../../bin/server.js', import.meta.url));

export interface Health {
  status: string;
  connections: number;
  topics: number;
  storedMessages: number;
  redis?: 'ok' | 'down';
  [key: string]: unknown;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  readonly pid: number;
  port: number;
  /** ws://127.0.0.1:PORT/ws */
  url: string;
  /** http://127.0.0.1:PORT */
  http: string;
  /** Everything the process wrote to stderr and stdout, line by line. */
  log: string[];
  exited: Promise<Exit>;
  health(): Promise<Health>;
  metrics(): Promise<string>;
  /** Polls /healthz until `redis` has this value; rejects after timeoutMs. */
  waitForRedis(state: 'ok' | 'down', timeoutMs?: number): Promise<void>;
  /** SIGTERM and wait for the exit. */
  term(): Promise<Exit>;
  /** SIGKILL and wait for the exit. */
  kill(): Promise<Exit>;
}

export interface SpawnOptions {
  /** --redis value; omitted: no --redis flag at all. */
  redis?: string;
  /** More flags, e.g. ['--message-ttl', '1']. */
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** Wait for `redis: "ok"` after listening (default true when redis is set). */
  waitForRedisOk?: boolean;
  startTimeoutMs?: number;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) {
      try { process.kill(child.pid!, 'SIGKILL'); } catch { /* already gone */ }
    }
  });
}

/** Runs bin/server.js with these arguments and resolves when it exits. */
export function runServerToExit(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 10_000): Promise<Exit & { output: string }> {
  installExitHook();
  const child = spawn(process.execPath, [SERVER_BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      try { process.kill(child.pid!, 'SIGKILL'); } catch { /* gone */ }
      reject(new Error(`server did not exit within ${timeoutMs} ms; output:\n${output}`));
    }, timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      resolve({ code, signal, output });
    });
  });
}

/** Spawns one server process on a free port of 127.0.0.1 and waits until it listens. */
export async function spawnServer(options: SpawnOptions = {}): Promise<ServerProcess> {
  installExitHook();
  const args = ['--port', '0', '--host', '127.0.0.1', '--heartbeat', '0', '--rate-limit', '0'];
  if (options.redis !== undefined) args.push('--redis', options.redis);
  args.push(...(options.args ?? []));
  const child = spawn(process.execPath, [SERVER_BIN, ...args], {
    env: { ...process.env, LOG_LEVEL: 'info', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const log: string[] = [];
  let partial = '';
  let onLine: (() => void) | undefined;
  const collect = (chunk: Buffer): void => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop()!;
    log.push(...lines);
    onLine?.();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
      onLine?.();
    });
  });

  const timeoutMs = options.startTimeoutMs ?? 10_000;
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => fail(`did not log "listening" within ${timeoutMs} ms`), timeoutMs);
    const fail = (why: string): void => {
      clearTimeout(timer);
      onLine = undefined;
      try { process.kill(child.pid!, 'SIGKILL'); } catch { /* gone */ }
      reject(new Error(`server ${args.join(' ')} ${why}; log:\n${log.join('\n')}${partial}`));
    };
    onLine = () => {
      for (const line of log) {
        const match = / listening .*url=https?:\/\/[^:/]+:(\d+)\//.exec(line);
        if (match) {
          clearTimeout(timer);
          onLine = undefined;
          resolve(Number(match[1]));
          return;
        }
      }
      if (child.exitCode !== null || child.signalCode !== null) fail(`exited (${child.exitCode ?? child.signalCode}) before listening`);
    };
  });

  const http = `http://127.0.0.1:${port}`;
  const signalAndWait = (name: NodeJS.Signals): Promise<Exit> => {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, name);
    return exited;
  };
  const server: ServerProcess = {
    pid: child.pid!,
    port,
    url: `ws://127.0.0.1:${port}/ws`,
    http,
    log,
    exited,
    async health() {
      const res = await fetch(`${http}/healthz`, { signal: AbortSignal.timeout(3000) });
      if (res.status !== 200) throw new Error(`/healthz answered ${res.status}`);
      return (await res.json()) as Health;
    },
    async metrics() {
      return (await fetch(`${http}/metrics`, { signal: AbortSignal.timeout(3000) })).text();
    },
    async waitForRedis(state, waitMs = 10_000) {
      const started = Date.now();
      let last: unknown;
      for (;;) {
        try {
          last = await server.health();
          if ((last as Health).redis === state) return;
        } catch (error) {
          last = error;
        }
        if (Date.now() - started > waitMs) {
          throw new Error(`process ${child.pid} did not report redis "${state}" within ${waitMs} ms; last /healthz: ${JSON.stringify(last)}; log tail:\n${log.slice(-15).join('\n')}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    term: () => signalAndWait('SIGTERM'),
    kill: () => signalAndWait('SIGKILL'),
  };
  if (options.redis !== undefined && options.waitForRedisOk !== false) {
    try {
      await server.waitForRedis('ok', timeoutMs);
    } catch (error) {
      await server.kill();
      throw error;
    }
  }
  return server;
}

export interface Cluster {
  redis: RunningRedis;
  /** redis://127.0.0.1:PORT/DB of this cluster. */
  redisUrl: string;
  processes: ServerProcess[];
  /** Starts one more process of the same cluster (or with another --redis URL). */
  add(options?: SpawnOptions): Promise<ServerProcess>;
  /** Stops every process (SIGKILL by PID) and redis-server. */
  stop(): Promise<void>;
}

export interface ClusterOptions {
  processes?: number;
  /** Flags for every process, e.g. ['--message-ttl', '1']. */
  args?: string[];
  db?: number;
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const redis = await startRedis();
  const redisUrl = `${redis.url}/${options.db ?? 0}`;
  const processes: ServerProcess[] = [];
  const cluster: Cluster = {
    redis,
    redisUrl,
    processes,
    async add(extra = {}) {
      const server = await spawnServer({ redis: redisUrl, ...extra, args: [...(options.args ?? []), ...(extra.args ?? [])] });
      processes.push(server);
      return server;
    },
    async stop() {
      await Promise.all(processes.map((p) => p.kill()));
      await redis.kill();
    },
  };
  try {
    await Promise.all(Array.from({ length: options.processes ?? 2 }, () => cluster.add()));
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}

/** A port on 127.0.0.1 that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves when `check` returns true; polls every 50 ms; rejects with `what` after timeoutMs. */
export async function eventually(what: string, timeoutMs: number, check: () => Promise<boolean> | boolean): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (await check()) return;
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// ---- chat clients on a cluster ---------------------------------------------

export type TopicCounts = Record<string, number>;

/** Sends /list and returns topic → users. */
export async function listCounts(client: ChatTestClient): Promise<TopicCounts> {
  client.send('/list');
  const reply = await client.next('topics');
  const counts: TopicCounts = {};
  for (const entry of reply.topics as { topic: string; users: number }[]) counts[entry.topic] = entry.users;
  return counts;
}

/** Sends /who and returns the names, sorted (the contract fixes no order across processes). */
export async function who(client: ChatTestClient): Promise<string[]> {
  client.send('/who');
  return ((await client.next('users')).users as string[]).slice().sort();
}

/** Resolves when `client.frames` satisfies `check`; rejects after timeoutMs with the last frames. */
export async function framesUntil(client: ChatTestClient, what: string, timeoutMs: number, check: (frames: Frame[]) => boolean): Promise<void> {
  try {
    await eventually(what, timeoutMs, () => check(client.frames));
  } catch (error) {
    throw new Error(`${(error as Error).message}; last frames: ${JSON.stringify(client.frames.slice(-6))}`);
  }
}

/** Resolves with the close code when the connection closes within timeoutMs, or undefined if it is still open. */
export async function closedWithin(client: ChatTestClient, timeoutMs: number): Promise<{ code: number; reason: string } | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const open = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)));
  try {
    return await Promise.race([client.closed, open]);
  } finally {
    clearTimeout(timer);
  }
}

/** Clients opened by one test file, destroyed at the end. */
export function clientPool(): { open(server: ServerProcess): Promise<ChatTestClient>; destroyAll(): void } {
  const clients: ChatTestClient[] = [];
  return {
    async open(server) {
      const client = await ourClient(server.url);
      clients.push(client);
      return client;
    },
    destroyAll() {
      for (const client of clients.splice(0)) client.destroy();
    },
  };
}

/** A seeded PRNG (mulberry32). SEED=random for a new seed; CI and default runs are pinned. */
export function seededRandom(defaultSeed: number): { seed: number; next(): number; int(below: number): number } {
  const raw = process.env.SEED;
  const seed = raw === 'random' ? Math.floor(Math.random() * 2 ** 31) : raw !== undefined && raw !== '' ? Number(raw) : defaultSeed;
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { seed, next, int: (below) => Math.floor(next() * below) };
}
