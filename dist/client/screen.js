/**
 * The interactive client's screen: lines printed above the readline prompt
 * without losing what is being typed, and one status line (who is typing)
 * kept just above the prompt and erased when it changes, so that it never
 * stays in the scrollback.
 */
import { clearScreenDown, cursorTo, moveCursor } from 'node:readline';
export class Screen {
    #rl;
    #out;
    /** A real terminal: cursor movement works (otherwise plain lines, no status). */
    #fancy;
    #status = '';
    /** Whether the status line is on screen now (above the prompt). */
    #statusShown = false;
    #closed = false;
    constructor(rl, out, fancy) {
        this.#rl = rl;
        this.#out = out;
        this.#fancy = fancy;
    }
    /** Prints lines above the prompt (and the status line). */
    print(lines) {
        if (lines.length === 0 || this.#closed)
            return;
        if (!this.#fancy) {
            this.#out.write(lines.join('\n') + '\n');
            return;
        }
        this.#redraw(lines.join('\n') + '\n');
    }
    /** Shows `text` on the status line; '' removes it. Only on a real terminal. */
    setStatus(text) {
        if (text === this.#status || this.#closed)
            return;
        this.#status = text;
        if (this.#fancy)
            this.#redraw('');
    }
    /** Leaves the screen ending with the last line printed, not a dead prompt or status. */
    close() {
        if (this.#closed)
            return;
        this.#closed = true;
        if (this.#fancy)
            this.#eraseFromPromptStart();
    }
    /** Goes to where the status line (or the prompt) starts and clears down. */
    #eraseFromPromptStart() {
        const { rows } = this.#rl.getCursorPos();
        moveCursor(this.#out, 0, -rows - (this.#statusShown ? 1 : 0));
        cursorTo(this.#out, 0);
        clearScreenDown(this.#out);
        this.#statusShown = false;
    }
    /**
     * Clear from the status line down, print, print the status, then let
     * readline redraw the prompt, the partly typed line and the cursor. Its
     * redraw first moves up by the row it believes the cursor is on
     * (`prevRows`, which it does not update when a pasted chunk wraps), so that
     * many newlines follow, to have the prompt drawn just below.
     */
    #redraw(text) {
        this.#eraseFromPromptStart();
        const believed = this.#rl.prevRows;
        const status = this.#status === '' ? '' : this.#status + '\n';
        this.#statusShown = status !== '';
        this.#out.write(text + status + '\n'.repeat(typeof believed === 'number' ? believed : 0));
        this.#rl.prompt(true);
    }
}
