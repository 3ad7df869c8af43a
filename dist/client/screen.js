import { clearScreenDown, cursorTo, moveCursor } from 'node:readline';
export class Screen {
    #rl;
    #out;
    #fancy;
    #status = '';
    #statusShown = false;
    #closed = false;
    constructor(rl, out, fancy) {
        this.#rl = rl;
        this.#out = out;
        this.#fancy = fancy;
    }
    print(lines) {
        if (lines.length === 0 || this.#closed)
            return;
        if (!this.#fancy) {
            this.#out.write(lines.join('\n') + '\n');
            return;
        }
        this.#redraw(lines.join('\n') + '\n');
    }
    setStatus(text) {
        if (text === this.#status || this.#closed)
            return;
        this.#status = text;
        if (this.#fancy)
            this.#redraw('');
    }
    close() {
        if (this.#closed)
            return;
        this.#closed = true;
        if (this.#fancy)
            this.#eraseFromPromptStart();
    }
    #eraseFromPromptStart() {
        const { rows } = this.#rl.getCursorPos();
        moveCursor(this.#out, 0, -rows - (this.#statusShown ? 1 : 0));
        cursorTo(this.#out, 0);
        clearScreenDown(this.#out);
        this.#statusShown = false;
    }
    #redraw(text) {
        this.#eraseFromPromptStart();
        const believed = this.#rl.prevRows;
        const status = this.#status === '' ? '' : this.#status + '\n';
        this.#statusShown = status !== '';
        this.#out.write(text + status + '\n'.repeat(typeof believed === 'number' ? believed : 0));
        this.#rl.prompt(true);
    }
}
