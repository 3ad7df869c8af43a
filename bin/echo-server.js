#!/usr/bin/env node
// WebSocket echo server for RFC 6455 conformance suites (see README).
import { parseArgs } from 'node:util';
import { startEchoServer } from '../dist/echo-server.js';

const usage = 'usage: node bin/echo-server.js [--port 9001] [--host 127.0.0.1] [--no-deflate]';
let values;
try {
  ({ values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.PORT ?? '9001' },
      host: { type: 'string', default: process.env.HOST ?? '127.0.0.1' },
      // permessage-deflate is negotiated when offered, unless turned off.
      'no-deflate': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  }));
} catch (error) {
  console.error(`${error.message}\n${usage}`);
  process.exit(2);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be an integer from 0 to 65535, got ${values.port}\n${usage}`);
  process.exit(2);
}
const echo = await startEchoServer({ port, host: values.host, perMessageDeflate: !values['no-deflate'] });
const shownHost = values.host.includes(':') ? `[${values.host}]` : values.host;
console.log(`echo server listening on ws://${shownHost}:${echo.port}`);
const stop = () => echo.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
