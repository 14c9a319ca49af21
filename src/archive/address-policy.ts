import { BlockList, isIP } from 'node:net';

/**
 * Address ranges a media download must never connect to: loopback, private, link-local, unique-local, carrier-grade
 * NAT, multicast, reserved, and every IPv6 form that embeds an IPv4 address (mapped, compatible, NAT64, 6to4,
 * Teredo), since those can smuggle an internal IPv4 target past a v4-only check.
 */
const FORBIDDEN_SUBNETS: ReadonlyArray<[string, number, 'ipv4' | 'ipv6']> = [
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.0.2.0', 24, 'ipv4'],
  ['192.88.99.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['198.51.100.0', 24, 'ipv4'],
  ['203.0.113.0', 24, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'],
  ['240.0.0.0', 4, 'ipv4'],
  ['::', 128, 'ipv6'],
  ['::1', 128, 'ipv6'],
  ['::', 96, 'ipv6'],
  ['::ffff:0:0', 96, 'ipv6'],
  ['64:ff9b::', 96, 'ipv6'],
  ['64:ff9b:1::', 48, 'ipv6'],
  ['100::', 64, 'ipv6'],
  ['2001::', 32, 'ipv6'],
  ['2001:db8::', 32, 'ipv6'],
  ['2002::', 16, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
  ['fec0::', 10, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
];

// One list per family: node's BlockList matches every IPv4 address against an IPv4-mapped IPv6 rule.
const forbidden = { ipv4: new BlockList(), ipv6: new BlockList() };
for (const [network, prefix, family] of FORBIDDEN_SUBNETS) forbidden[family].addSubnet(network, prefix, family);

/** Strips the brackets a URL puts around an IPv6 literal (`[::1]` → `::1`). */
export function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/**
 * Whether a resolved address is one a media download must not reach; anything that is not a valid IP literal counts
 * as forbidden, so a parser disagreement fails closed.
 */
export function isForbiddenAddress(address: string): boolean {
  const ip = unbracket(address);
  // A zone index (`fe80::1%eth0`) names an interface, which only link-local targets need.
  if (ip.includes('%')) return true;
  const family = isIP(ip);
  if (family === 0) return true;
  return family === 4 ? forbidden.ipv4.check(ip, 'ipv4') : forbidden.ipv6.check(ip, 'ipv6');
}
