import { BlockList, isIP } from 'node:net';

/** Networks no outbound request may reach unless an allow-list names them, each with why. */
const REFUSED: readonly (readonly [string, number, 'ipv4' | 'ipv6', string])[] = [
  ['0.0.0.0', 8, 'ipv4', 'unspecified'],
  ['10.0.0.0', 8, 'ipv4', 'private'],
  ['100.64.0.0', 10, 'ipv4', 'private (carrier-grade NAT)'],
  ['127.0.0.0', 8, 'ipv4', 'loopback'],
  ['169.254.0.0', 16, 'ipv4', 'link-local (cloud metadata lives at 169.254.169.254)'],
  ['172.16.0.0', 12, 'ipv4', 'private'],
  ['192.0.0.0', 24, 'ipv4', 'reserved'],
  ['192.168.0.0', 16, 'ipv4', 'private'],
  ['198.18.0.0', 15, 'ipv4', 'reserved (benchmarking)'],
  ['224.0.0.0', 4, 'ipv4', 'multicast'],
  ['240.0.0.0', 4, 'ipv4', 'reserved'],
  ['::', 128, 'ipv6', 'unspecified'],
  ['::1', 128, 'ipv6', 'loopback'],
  ['fc00::', 7, 'ipv6', 'unique-local'],
  ['fe80::', 10, 'ipv6', 'link-local'],
  ['fec0::', 10, 'ipv6', 'site-local'],
  ['ff00::', 8, 'ipv6', 'multicast'],
];

const refused = REFUSED.map(([network, prefix, family, why]) => {
  const list = new BlockList();
  list.addSubnet(network, prefix, family);
  return { list, family, why };
});

/** The eight 16-bit groups of a valid IPv6 address (a trailing dotted IPv4 becomes two). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => Number.parseInt(g, 16)));
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  return [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back];
}

const dottedQuad = (high: number, low: number) => [high >> 8, high & 255, low >> 8, low & 255].join('.');

/** The IPv4 address an IPv6 one carries: mapped (::ffff:a.b.c.d), compatible (::a.b.c.d), NAT64, 6to4. */
function embeddedIpv4(address: string): string | undefined {
  const g = ipv6Groups(address);
  const zero = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zero(0, 5) && g[5] === 0xffff) return dottedQuad(g[6] ?? 0, g[7] ?? 0);
  if (zero(0, 6) && ((g[6] ?? 0) !== 0 || (g[7] ?? 0) > 1)) return dottedQuad(g[6] ?? 0, g[7] ?? 0);
  if (g[0] === 0x64 && g[1] === 0xff9b && zero(2, 6)) return dottedQuad(g[6] ?? 0, g[7] ?? 0);
  if (g[0] === 0x2002) return dottedQuad(g[1] ?? 0, g[2] ?? 0);
  return undefined;
}

/** Why an IP address must not be called (loopback, private, link-local…), or undefined if it may. */
export function refusedAddressReason(address: string): string | undefined {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const version = isIP(bare);
  if (version === 0) return `${address} is not an IP address`;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  if (family === 'ipv6') {
    const inner = embeddedIpv4(bare);
    if (inner) {
      const why = refusedAddressReason(inner);
      return why && `${bare} carries ${why}`;
    }
  }
  const hit = refused.find((r) => r.family === family && r.list.check(bare, family));
  return hit && `${bare} is ${hit.why}`;
}

/** Host names and networks (CIDR or single addresses) an operator allows despite the rules. */
export class AllowList {
  private readonly hosts = new Set<string>();
  private readonly networks = new BlockList();
  constructor(entries: readonly string[]) {
    for (const raw of entries) {
      const entry = raw.trim().toLowerCase();
      if (entry === '') continue;
      const [network = '', prefix] = entry.split('/');
      const version = isIP(network);
      if (version === 0) {
        this.hosts.add(entry);
        continue;
      }
      const family = version === 4 ? 'ipv4' : 'ipv6';
      const bits = prefix === undefined ? (version === 4 ? 32 : 128) : Number(prefix);
      if (!Number.isInteger(bits) || bits < 0 || bits > (version === 4 ? 32 : 128))
        throw new Error(`WEBHOOK_ALLOW_LIST entry "${raw}" has a bad prefix length`);
      this.networks.addSubnet(network, bits, family);
    }
  }
  allowsHost(host: string): boolean {
    return this.hosts.has(host.toLowerCase());
  }
  allowsAddress(address: string): boolean {
    const version = isIP(address);
    return version !== 0 && this.networks.check(address, version === 4 ? 'ipv4' : 'ipv6');
  }
}
