import type { IncomingMessage, ServerResponse } from 'node:http';
/** Scripts and styles only from this server, no inline script, no framing. */
export declare const CONTENT_SECURITY_POLICY: string;
export declare class StaticFiles {
    private readonly files;
    /** Reads every file under `root` whose type is known; a missing folder serves nothing. */
    constructor(root: string);
    get size(): number;
    private load;
    /** Answers the request if it names a file; false if the path is unknown. */
    serve(req: IncomingMessage, res: ServerResponse, pathname: string): boolean;
}
