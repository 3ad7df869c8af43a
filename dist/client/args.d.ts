export declare const DEFAULT_URL = "ws://localhost:8000/ws";
/** Seconds between the client's pings; a ping not answered by the next one means the link is dead. */
export declare const DEFAULT_KEEPALIVE = 30;
export declare const USAGE = "usage: wschat-client [username] [topic] [--url URL] [--ca FILE | --insecure]\n\nChat on a wschat server. Missing names are asked for when standard input is a\nterminal; otherwise both are required.\n\n  --url, -u URL      server WebSocket URL (default ws://localhost:8000/ws)\n  --ca FILE          trust this CA certificate (PEM) for wss://, e.g. a\n                     self-signed server certificate\n  --insecure         wss:// without checking the server's certificate\n                     (anyone on the path can read and change the chat)\n  --keepalive SECS   ping the server this often and reconnect when a ping\n                     goes unanswered (default 30, 0 = off)\n  --help, -h         show this help\n\nInteractive: type a line to send it. /help lists the commands; Ctrl-D or /quit\nexits. After a dropped connection the client reconnects by itself and resumes:\nsame name, the messages sent meanwhile shown once.\n\nPiped (stdin not a terminal): the join is sent first, then each input line as a\nmessage (lines starting with / as commands). Every server frame is printed on\nstdout as one JSON line (a message frame never twice, also across reconnects);\ndiagnostics go to stderr. Exit codes: 0 after a normal close, 1 if the\nconnection failed or was closed by the server, 2 for bad arguments.";
export declare const SHORT_USAGE: string;
export declare class UsageError extends Error {
    name: string;
}
export interface CliArgs {
    username: string | undefined;
    topic: string | undefined;
    url: string;
    /** PEM text of the extra CA (`--ca`). */
    ca?: string | undefined;
    /** `--insecure`: do not verify the server certificate. */
    insecure?: boolean;
    /** Milliseconds between keepalive pings; 0 = off. */
    keepaliveMs?: number;
}
/** `readFile` is injectable so that unit tests need no files. */
export declare function parseCliArgs(argv: readonly string[], readFile?: (path: string) => string): CliArgs | 'help';
