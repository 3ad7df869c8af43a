#!/usr/bin/env node
// The wschat chat server. `node bin/server.js --help` lists the options.
import { OptionsError, parseServerOptions, usage } from '../dist/server/options.js';
import { createLogger } from '../dist/server/logger.js';
import { createChatServer, loadClusterSupport } from '../dist/server/chat-server.js';

let options;
try {
  options = parseServerOptions(process.argv.slice(2), process.env);
} catch (error) {
  if (!(error instanceof OptionsError)) throw error;
  console.error(`error: ${error.message}\n\n${usage()}`);
  process.exit(2);
}
if (options === 'help') {
  console.log(usage());
  process.exit(0);
}

const logger = createLogger(options.logLevel);
// A process on its own never loads the cluster code.
if (options.redis) await loadClusterSupport();
let chat;
try {
  chat = createChatServer(options, logger);
} catch (error) {
  console.error(`error: ${error.message}`);
  process.exit(2);
}
// Log and carry on, but never re-enter: if logging itself throws (it should
// not: the logger stops at the first failed write), that must not loop.
let reporting = false;
const report = (event) => (error) => {
  if (reporting) return;
  reporting = true;
  try {
    logger.error(event, {}, error);
  } catch {
    // nothing left to tell
  } finally {
    reporting = false;
  }
};
process.on('uncaughtException', report('uncaught_exception'));
process.on('unhandledRejection', report('unhandled_rejection'));

// Signal handlers before listening: a signal that comes as soon as the
// `listening` line is out must find them in place.
let stopping = false;
const stop = async (signal) => {
  if (stopping) return;
  stopping = true;
  logger.info('shutdown', { signal });
  // Exit 0 within 5 s whatever happens (contract: Lifecycle).
  setTimeout(() => {
    logger.info('stopped', { signal, forced: true });
    process.exit(0);
  }, 4800).unref();
  await chat.shutdown(4000);
  logger.info('stopped', { signal });
  process.exit(0);
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));

try {
  const address = await chat.listen();
  const scheme = options.tlsCert ? 'https' : 'http';
  const host = address.family === 'IPv6' ? (address.address === '::' ? 'localhost' : `[${address.address}]`) : address.address === '0.0.0.0' ? 'localhost' : address.address;
  logger.info('listening', { url: `${scheme}://${host}:${address.port}/`, ws: `${scheme === 'https' ? 'wss' : 'ws'}://${host}:${address.port}/ws` });
} catch (error) {
  logger.error('listen_failed', { code: error.code, port: options.port });
  process.exit(1);
}

