import { SHORT_USAGE, USAGE, UsageError, parseCliArgs } from "./args.js";
import { runInteractive } from "./interactive.js";
import { runScript } from "./script.js";
export { DEFAULT_URL, USAGE, UsageError, parseCliArgs } from "./args.js";
export { backoffDelay } from "./session.js";
export async function runClient(argv, io) {
    let args;
    try {
        args = parseCliArgs(argv);
    }
    catch (error) {
        if (!(error instanceof UsageError))
            throw error;
        io.stderr.write(`wschat-client: ${error.message}\n${SHORT_USAGE}\n`);
        return 2;
    }
    if (args === 'help') {
        io.stdout.write(USAGE + '\n');
        return 0;
    }
    return io.stdin.isTTY === true ? runInteractive(args, io) : runScript(args, io);
}
export async function main() {
    process.stdout.on('error', () => process.exit(0));
    const stop = new AbortController();
    for (const signal of ['SIGINT', 'SIGTERM']) {
        process.on(signal, () => {
            if (stop.signal.aborted)
                process.exit(130);
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
    process.stdout.write('', () => process.exit(code));
}
