/**
 * "A cluster must pass the single-process acceptance tests run against any
 * one of its processes": runs the chat integration tests in a child with
 * CHAT_TEST_REDIS_URL set, so that test/helpers/chat-server.ts makes each of
 * their servers one process of a two-process cluster on a real Redis.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { startRedis } from '../helpers/redis-server.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('cluster: the single-process chat tests against one process of a cluster', () => {
  it('test/integration/chat-server.test.ts passes with CHAT_TEST_REDIS_URL set', { timeout: 90_000 }, async () => {
    const redis = await startRedis();
    try {
      // Without the parent's NODE_TEST_CONTEXT, or the child's runner skips its files.
      const { NODE_TEST_CONTEXT: _parent, ...env } = process.env;
      const child = spawn(process.execPath, ['--import', 'tsx', '--test', 'test/integration/chat-server.test.ts'], {
        cwd: ROOT,
        env: { ...env, CHAT_TEST_REDIS_URL: `${redis.url}/0` },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      const timer = setTimeout(() => child.kill('SIGKILL'), 80_000);
      const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
      clearTimeout(timer);
      const failures = output.split('\n').filter((line) => /^\s*not ok /.test(line) || /^\s+error:/.test(line));
      assert.equal(code, 0, `the integration tests failed against a cluster:\n${failures.join('\n')}\n\n${output.slice(-4000)}`);
      assert.match(output, /^# fail 0$/m);
      assert.match(output, /^# pass [1-9]\d*$/m);
    } finally {
      await redis.kill();
    }
  });
});
