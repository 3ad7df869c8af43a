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
/** RFC 7230 §3.2.6 tchar. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
/** The extensions in `header`, in order, or undefined if it breaks the grammar. */
export function parseExtensions(header) {
    const s = header;
    const n = s.length;
    let i = 0;
    const skipSpace = () => {
        while (i < n && (s[i] === ' ' || s[i] === '\t'))
            i++;
    };
    const token = () => {
        const start = i;
        while (i < n && TCHAR.test(s[i]))
            i++;
        return s.slice(start, i);
    };
    const offers = [];
    for (;;) {
        skipSpace();
        if (i < n && s[i] === ',') {
            i++; // the #rule allows empty list elements
            continue;
        }
        if (i >= n)
            break;
        const name = token();
        if (name === '')
            return undefined;
        const params = [];
        skipSpace();
        while (i < n && s[i] === ';') {
            i++;
            skipSpace();
            const param = token();
            if (param === '')
                return undefined;
            skipSpace();
            let value = true;
            if (i < n && s[i] === '=') {
                i++;
                skipSpace();
                if (s[i] === '"') {
                    i++;
                    let text = '';
                    while (i < n && s[i] !== '"') {
                        if (s[i] === '\\')
                            i++;
                        if (i < n)
                            text += s[i++];
                    }
                    if (i >= n)
                        return undefined; // unterminated quoted-string
                    i++;
                    if (!TOKEN.test(text))
                        return undefined;
                    value = text;
                }
                else {
                    value = token();
                    if (value === '')
                        return undefined;
                }
                skipSpace();
            }
            params.push([param.toLowerCase(), value]);
        }
        offers.push({ name: name.toLowerCase(), params });
        if (i < n) {
            if (s[i] !== ',')
                return undefined;
            i++;
        }
    }
    return offers;
}
