/**
 * The terminal chat client: parses the arguments and runs one of two thin
 * front ends over the shared chat state (./chat-state.ts) and the
 * reconnecting session (./session.ts):
 *
 * - interactive (stdin is a TTY): ./interactive.ts, a readline prompt;
 * - script (stdin is not a TTY): ./script.ts, every server frame out as one
 *   JSON line, so scripts and tests can drive it.
 *
 * `runClient(argv, io)` is the whole program with its streams injected.
 */
import type { Readable, Writable } from 'node:stream';
import { SHORT_USAGE, USAGE, UsageError, parseCliArgs, type CliArgs } from './args.ts';
import { runInteractive } from './interactive.ts';
import { runScript } from './script.ts';

export { DEFAULT_URL, USAGE, UsageError, parseCliArgs, type CliArgs } from './args.ts';
export { backoffDelay } from './session.ts';

export interface ClientIO {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable;
  env: Record<string, string | undefined>;
  /** Aborted on SIGINT/SIGTERM: close the connection properly and exit. */
  stop?: AbortSignal;
}

export async function runClient(argv: readonly string[], io: ClientIO): Promise<number> {
  let args: CliArgs | 'help';
  try {
    args = parseCliArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`wschat-client: ${error.message}\n${SHORT_USAGE}\n`);
    return 2;
  }
  if (args === 'help') {
    io.stdout.write(USAGE + '\n');
    return 0;
  }
  return io.stdin.isTTY === true ? runInteractive(args, io) : runScript(args, io);
}

export async function main(): Promise<void> {
  // A reader that went away (`| head`) is not an error worth a stack trace.
  process.stdout.on('error', () => process.exit(0));
  const stop = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      // A second signal means now.
      if (stop.signal.aborted) process.exit(130);
      stop.abort();
    });
  }
  const code = await runClient(process.argv.slice(2), {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    stop: stop.signal,
  });
  // stdin may still hold the event loop open (e.g. /quit before the input
  // ended), so exit explicitly, once what we wrote has been handed over.
  process.stdout.write('', () => process.exit(code));
}
