const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
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
            i++;
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
                        return undefined;
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
