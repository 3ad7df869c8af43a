/** Option errors name the option or variable; negative numbers and timers past 2^31 ms are refused. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OptionsError, parseServerOptions, type ServerOptions } from '../../lib/server/options.ts';

const parse = (argv: string[], env: NodeJS.ProcessEnv = {}): ServerOptions => {
  const result = parseServerOptions(argv, env);
  assert.notEqual(result, 'help');
  return result as ServerOptions;
};
const refused = (argv: string[], env: NodeJS.ProcessEnv, pattern: RegExp): void => {
  assert.throws(() => parseServerOptions(argv, env), (error: Error) => error instanceof OptionsError && pattern.test(error.message), `${argv} ${JSON.stringify(env)}`);
};

const TIMERS = [
  ['message-ttl', 'MESSAGE_TTL'],
  ['join-timeout', 'JOIN_TIMEOUT'],
  ['idle-timeout', 'IDLE_TIMEOUT'],
  ['heartbeat', 'HEARTBEAT'],
  ['handshake-timeout', 'HANDSHAKE_TIMEOUT'],
  ['resume-window', 'RESUME_WINDOW'],
  ['resume-grace', 'RESUME_GRACE'],
] as const;

describe('server options', () => {
  it('negative numbers get a clear message, in both spellings and from the environment', () => {
    refused(['--message-ttl', '-1'], {}, /^--message-ttl cannot be negative, got -1$/);
    refused(['--message-ttl=-1'], {}, /^--message-ttl cannot be negative/);
    refused(['--heartbeat', '-0.5'], {}, /^--heartbeat cannot be negative, got -0.5 \(0 turns it off\)$/);
    refused([], { PORT: '-80' }, /^PORT cannot be negative/);
  });

  it('every duration past 2^31 − 1 ms is refused, naming the option or the variable', () => {
    for (const [flag, env] of TIMERS) {
      const extra = flag === 'resume-grace' ? ['--resume-window', '2147483.647'] : [];
      assert.equal(parse([...extra, `--${flag}`, '2147483.647'])[camel(flag)], 2147483.647);
      refused([...extra, `--${flag}`, '2147483.648'], {}, new RegExp(`^--${flag} must be at most 2147483.647 seconds`));
      refused([], { [env]: '3000000', ...(flag === 'resume-grace' ? { RESUME_WINDOW: '1' } : {}) }, new RegExp(`^${env} must be at most`));
    }
  });

  it('other errors name what was wrong', () => {
    refused(['--port', 'eighty'], {}, /^--port must be a number, got "eighty"$/);
    refused(['--port', '80.5'], {}, /^--port must be a whole number/);
    refused(['--port', '70000'], {}, /^--port must be at most 65535/);
    refused(['--bogus'], {}, /^unknown option --bogus/);
    refused(['--port'], {}, /^--port needs a value$/);
    refused(['--port', '--host'], {}, /^--port needs a value, not another option/);
    refused([], { LOG_LEVEL: 'loud' }, /^LOG_LEVEL must be one of/);
    refused(['--log-level', 'loud'], {}, /^--log-level must be one of/);
    refused(['--trust-proxy', '10.0.0.0/40'], {}, /^--trust-proxy: bad prefix length/);
    refused([], { TRUST_PROXY: 'proxy.example' }, /^TRUST_PROXY: not an address/);
    refused(['--allowed-origins', 'chat.example'], {}, /^--allowed-origins: "chat.example" is not an origin/);
    refused([], { DEFLATE: 'maybe' }, /^DEFLATE must be on or off/);
    refused(['--resume-window', '10', '--resume-grace', '11'], {}, /^--resume-grace \(RESUME_GRACE\) must not exceed --resume-window/);
  });

  it('new options: defaults, flags and environment', () => {
    const defaults = parse([]);
    assert.equal(defaults.resumeWindow, 60);
    assert.equal(defaults.resumeGrace, 0);
    assert.equal(defaults.deflate, true);
    assert.equal(defaults.redis, undefined);
    assert.deepEqual(defaults.trustProxy, []);
    assert.equal(defaults.maxHttpConnections, 1000);
    assert.equal(defaults.maxHttpConnectionsPerIp, 100);
    assert.equal(parse(['--no-deflate']).deflate, false);
    assert.equal(parse([], { DEFLATE: 'off' }).deflate, false);
    assert.equal(parse([], { REDIS_URL: '' }).redis, undefined);
    assert.equal(parse(['--redis', 'redis://127.0.0.1:6379']).redis, 'redis://127.0.0.1:6379');
    assert.deepEqual(parse([], { TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy, ['loopback', '10.0.0.0/8']);
    assert.equal(parse(['--message-ttl', '5'], { MESSAGE_TTL: '9' }).messageTtl, 5);
  });
});

function camel(flag: string): keyof ServerOptions {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) as keyof ServerOptions;
}
