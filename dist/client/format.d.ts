/** How text is decorated: colour on a terminal, identity otherwise. */
export interface Paint {
    /** A user name, in a colour that is stable per name. */
    name(name: string): string;
    /** Client and presence notices. */
    system(text: string): string;
    /** Quiet marks such as delivery acks and typing notices. */
    dim(text: string): string;
    error(text: string): string;
}
export declare const plainPaint: Paint;
/** FNV-1a over the UTF-16 units: cheap, and the same name always gets the same colour. */
export declare function nameColourIndex(name: string): number;
/**
 * The caller has decided that colour is wanted (see shouldColour), so the
 * stream check of styleText, which differs between Node versions, is off.
 */
export declare function colourPaint(): Paint;
/** Colour only for a terminal, and never when NO_COLOR is set (no-color.org: any value). */
export declare function shouldColour(stdoutIsTTY: boolean, env: Record<string, string | undefined>): boolean;
/** Local HH:MM:SS of a server timestamp (Unix seconds). */
export declare function formatTime(timestampSeconds: unknown): string;
/**
 * Other people's text goes to a terminal: control characters (ESC and the
 * rest of C0/C1) and bidi overrides/isolates could move the cursor, recolour
 * or reorder the screen, so they are shown as U+FFFD. Tabs and newlines stay.
 */
export declare function sanitize(text: string): string;
/**
 * A server frame after JSON.parse: an object with a string `type` (the
 * shapes are `ServerFrame` of lib/chat/wire.ts; fields are checked where
 * used, since a server may send anything).
 */
export type ServerFrame = {
    type: string;
} & Record<string, unknown>;
export declare function parseServerFrame(text: string): ServerFrame | undefined;
/** What the formatter needs to know about us. */
export interface View {
    /** Our name as the server assigned it (after dedup), once joined. */
    self?: string | undefined;
    /** The name we asked for, to explain a deduplicated name in the welcome. */
    requested?: string | undefined;
    paint?: Paint;
}
/** `[HH:MM:SS] name: text` for a message frame or history entry (ours too, from its ack). */
export declare function formatMessage(message: object, paint: Paint): string;
/** The lines to print for one server frame; none for a frame that shows nothing. */
export declare function formatFrame(frame: ServerFrame, view?: View): string[];
/** `1008 policy violation: rate limit` — the code always, its meaning and the reason when known. */
export declare function describeClose(code: number, reason: string): string;
/** The client's own `/help`: the commands as a person uses them (the server's /help is about the wire). */
export declare const CLIENT_HELP = "Commands:\n  /list                 the active topics and how many people are in each\n  /who                  who is in this topic\n  /join <topic>         leave this topic and join another one\n  /dm <user> <text>     a private message to someone in this topic\n  /leave                leave the topic and go back to the lobby\n  /help                 this help\n  /quit                 leave and exit (also Ctrl-D, or Ctrl-C on an empty line)\nAnything else you type is sent to everyone in the topic. Messages expire after\nthe time the server says when you join. If the connection drops, the client\nreconnects by itself and keeps your name; messages sent meanwhile are shown once.";
/** The status line for people typing: `bob is typing…`, `bob and carol are typing…`. */
export declare function typingStatus(names: readonly string[]): string;
