#!/usr/bin/env node
// The cluster's cost model, measured here: how many commands per second one
// process applies to its replica, and how many XADDs per second one Redis
// takes from one process (pipelined, as the server appends). Starts its own
// redis-server on a free port (Debian's /usr/bin/redis-server).
//   node bench/cluster.js [--seconds 3]
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { ChatReplica } from '../dist/chat/core.js';
import { RedisConnection } from '../dist/redis/client.js';

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 3;

function applyRate() {
  const replica = new ChatReplica({ processDeadAfterMs: 7000 });
  let now = 1_800_000_000_000;
  for (let i = 0; i < 10; i++) replica.apply({ v: 1, t: 'join', c: `p${i % 3}.${i}`, name: `user${i}`, topic: 'bench', token: `token-${i}-xxxxxxxxxxxxxxxxxxxxxxx` }, now);
  let applied = 0;
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    for (let i = 0; i < 1000; i++) {
      now += 1;
      replica.apply({ v: 1, t: 'say', c: `p${i % 3}.${i % 10}`, text: 'a chat message of some sixty characters, typical of a chat.', ttl: 30_000 }, now);
    }
    applied += 1000;
  }
  return applied / seconds;
}

async function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function xaddRate() {
  const port = await freePort();
  const redis = spawn('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  try {
    const connection = new RedisConnection(`redis://127.0.0.1:${port}/0`).connect();
    for (let i = 0; i < 50; i++) {
      try { await connection.whenReady(); break; } catch { await new Promise((r) => setTimeout(r, 100)); }
    }
    const command = JSON.stringify({ v: 1, t: 'say', c: 'abcdef012345.17', text: 'a chat message of some sixty characters, typical of a chat.', ttl: 30000 });
    let done = 0;
    const end = Date.now() + seconds * 1000;
    while (Date.now() < end) {
      const batch = [];
      for (let i = 0; i < 100; i++) batch.push(connection.command(['XADD', 'bench:log', 'MAXLEN', '~', '100000', '*', 'e', 'epoch', 'c', command]));
      await Promise.all(batch);
      done += 100;
    }
    await connection.close();
    return done / seconds;
  } finally {
    redis.kill('SIGKILL');
  }
}

const apply = applyRate();
const xadd = await xaddRate();
console.log(`# node bench/cluster.js --seconds ${seconds}`);
console.log(`commands applied per second by one replica (say, 10 members): ${Math.round(apply).toLocaleString('en')}`);
console.log(`XADDs per second one Redis takes from one process (pipelined):  ${Math.round(xadd).toLocaleString('en')}`);
