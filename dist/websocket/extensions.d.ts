/**
 * The Sec-WebSocket-Extensions header (RFC 6455 §9.1), parsed strictly:
 *
 *   extension-list = 1#extension
 *   extension      = extension-token *( ";" extension-param )
 *   extension-param = token [ "=" (token | quoted-string) ]
 *
 * A quoted value must still be a token once unquoted (§9.1). Names are
 * compared case-insensitively, so they are returned in lower case.
 */
export type ExtensionParam = readonly [name: string, value: string | true];
export interface ExtensionOffer {
    name: string;
    params: ExtensionParam[];
}
/** The extensions in `header`, in order, or undefined if it breaks the grammar. */
export declare function parseExtensions(header: string): ExtensionOffer[] | undefined;
