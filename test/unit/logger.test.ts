/** Every log line is one line; a broken log stream stops logging instead of throwing. */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger, streamWriter } from '../../lib/server/logger.ts';

describe('logger', () => {
  it('values with line breaks, quotes or separators stay on one line', () => {
    const lines: string[] = [];
    const logger = createLogger('debug', (line) => lines.push(line));
    logger.info('ev\nent', { user: 'a\nb', reason: 'x\u2028y\u0085z\r', plain: 'ok', q: 'say "hi"', n: 3 });
    logger.error('boom', {}, new Error('first\nsecond'));
    for (const line of lines) {
      assert.equal(line.indexOf('\n'), line.length - 1, JSON.stringify(line));
      assert.doesNotMatch(line.slice(0, -1), /[\r\u2028\u2029\u0085]/);
    }
    assert.ok(lines[0]!.includes(' info "ev\\nent" user="a\\nb" reason="x\\u2028y\\u0085z\\r" '), lines[0]);
    assert.match(lines[0]!, / plain=ok q="say \\"hi\\"" n=3\n$/);
    assert.match(lines[1]!, / error boom error="first\\nsecond" stack="Error: first\\nsecond\\n {4}at /);
  });

  it('debugEnabled only at level debug', () => {
    assert.equal(createLogger('debug', () => {}).debugEnabled, true);
    assert.equal(createLogger('info', () => {}).debugEnabled, false);
  });

  it('a stream that fails (EPIPE) is written no more, and nothing throws', async () => {
    let writes = 0;
    const broken = new Writable({
      write(_chunk, _encoding, callback) {
        writes++;
        callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const logger = createLogger('info', streamWriter(broken));
    logger.info('first');
    await new Promise((resolve) => broken.once('close', resolve));
    for (let i = 0; i < 100; i++) logger.info('after', { i });
    assert.equal(writes, 1);
  });

  it('a sink that throws does not turn a log call into an exception', () => {
    const logger = createLogger('info', () => {
      throw new Error('EBADF');
    });
    assert.doesNotThrow(() => logger.error('x', {}, new Error('y')));
  });
});
