import { isIPv4, isIPv6 } from 'node:net';
function ipv6Groups(address) {
    let text = address;
    const zone = text.indexOf('%');
    if (zone !== -1)
        text = text.slice(0, zone);
    if (!isIPv6(text))
        return undefined;
    const lastColon = text.lastIndexOf(':');
    const tail = text.slice(lastColon + 1);
    if (isIPv4(tail)) {
        const [a, b, c, d] = tail.split('.').map(Number);
        text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
    }
    const [head, rest] = text.split('::');
    const left = head === '' ? [] : head.split(':');
    const right = rest === undefined || rest === '' ? [] : rest.split(':');
    const zeros = rest === undefined ? 0 : 8 - left.length - right.length;
    return [...left, ...Array(zeros).fill('0'), ...right].map((g) => parseInt(g, 16));
}
export function addressGroup(address) {
    const groups = ipv6Groups(address);
    if (groups === undefined || groups.length !== 8)
        return address;
    const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
    if (mapped)
        return `${groups[6] >> 8}.${groups[6] & 0xff}.${groups[7] >> 8}.${groups[7] & 0xff}`;
    return `${groups.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`;
}
