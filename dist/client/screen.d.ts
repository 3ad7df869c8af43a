/**
 * The interactive client's screen: lines printed above the readline prompt
 * without losing what is being typed, and one status line (who is typing)
 * kept just above the prompt and erased when it changes, so that it never
 * stays in the scrollback.
 */
import { type Interface } from 'node:readline';
import type { Writable } from 'node:stream';
export declare class Screen {
    #private;
    constructor(rl: Interface, out: Writable, fancy: boolean);
    /** Prints lines above the prompt (and the status line). */
    print(lines: readonly string[]): void;
    /** Shows `text` on the status line; '' removes it. Only on a real terminal. */
    setStatus(text: string): void;
    /** Leaves the screen ending with the last line printed, not a dead prompt or status. */
    close(): void;
}
