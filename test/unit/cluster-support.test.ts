// The cluster code (the Redis log, client and protocol) is loaded only by a
// process that asks for it: a chat server on its own keeps less code on the
// V8 heap. This file runs in its own process (node --test), so nothing has
// loaded the cluster code before it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createChatServer, loadClusterSupport } from '../../lib/server/chat-server.ts';
import { createLogger } from '../../lib/server/logger.ts';
import { defaultServerOptions } from '../../lib/server/options.ts';

describe('cluster support is loaded on demand', () => {
  // Nothing listens on port 1, so the log only retries in the background until shutdown.
  const options = defaultServerOptions({ port: 0, host: '127.0.0.1', heartbeat: 0, redis: 'redis://127.0.0.1:1/0' });
  const logger = createLogger('error', () => {});

  it('refuses a redis option before loadClusterSupport(), saying what to call', () => {
    assert.throws(() => createChatServer(options, logger), /await loadClusterSupport\(\)/);
  });

  it('builds a cluster process once it is loaded, and loading twice is harmless', async () => {
    await loadClusterSupport();
    await loadClusterSupport();
    const chat = createChatServer(options, logger);
    try {
      assert.ok(chat.redis, 'the server has its Redis log');
      assert.equal(chat.redis.healthy, false);
    } finally {
      await chat.shutdown(500);
    }
  });

  it('needs nothing for a process on its own', async () => {
    const chat = createChatServer(defaultServerOptions({ port: 0, host: '127.0.0.1', heartbeat: 0 }), logger);
    try {
      assert.equal(chat.redis, undefined);
    } finally {
      await chat.shutdown(500);
    }
  });
});
