import ipaddr from 'ipaddr.js';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/** How many connector logins may be attempted, and not yet succeeded, per remote address and per connector id in a window. */
export interface LoginLimits {
  attemptsPerAddress: number;
  attemptsPerId: number;
  windowSeconds: number;
}

export const defaultLoginLimits: LoginLimits = { attemptsPerAddress: 20, attemptsPerId: 20, windowSeconds: 60 };

/** Addresses remembered per id as having logged in with the right secret (the oldest is forgotten first). */
const trustedAddressesPerId = 16;

export type LoginAdmission = 'admitted' | 'address-limited' | 'id-limited';

/**
 * Limits connector login attempts before the (deliberately slow) secret check, so wrong secrets cost the hub
 * nothing once a limit is reached. An attempt takes a point from its address and from its id; a login that
 * succeeds gives them back, so only failures add up. When an id's points are gone, addresses that have logged
 * in as that id before are still heard: an attacker guessing one id's secret cannot lock its real connector out.
 */
export class LoginLimiter {
  private readonly byAddress: RateLimiterMemory;
  private readonly byId: RateLimiterMemory;
  private readonly trusted = new Map<string, string[]>();

  constructor(limits: LoginLimits = defaultLoginLimits) {
    this.byAddress = new RateLimiterMemory({ keyPrefix: 'address', points: limits.attemptsPerAddress, duration: limits.windowSeconds });
    this.byId = new RateLimiterMemory({ keyPrefix: 'id', points: limits.attemptsPerId, duration: limits.windowSeconds });
  }

  async admit(id: string, remoteAddress: string): Promise<LoginAdmission> {
    const address = addressKey(remoteAddress);
    if (!(await take(this.byAddress, address))) return 'address-limited';
    if (this.isTrusted(id, address)) return 'admitted';
    if (!(await take(this.byId, id))) {
      await this.byAddress.reward(address, 1);
      return 'id-limited';
    }
    return 'admitted';
  }

  /** The secret was right: the attempt's points come back and the address is remembered for the id. */
  async succeeded(id: string, remoteAddress: string): Promise<void> {
    const address = addressKey(remoteAddress);
    const wasTrusted = this.isTrusted(id, address);
    await this.byAddress.reward(address, 1);
    if (!wasTrusted) await this.byId.reward(id, 1);
    const addresses = (this.trusted.get(id) ?? []).filter((known) => known !== address);
    this.trusted.set(id, [...addresses, address].slice(-trustedAddressesPerId));
  }

  private isTrusted(id: string, address: string): boolean {
    return this.trusted.get(id)?.includes(address) ?? false;
  }
}

/** Takes one point; false when none is left. */
async function take(limiter: RateLimiterMemory, key: string): Promise<boolean> {
  try {
    await limiter.consume(key, 1);
    return true;
  } catch (err) {
    if (err instanceof RateLimiterRes) return false;
    throw err;
  }
}

/**
 * Whom an address limit counts: an IPv4 address (also written IPv4-mapped, `::ffff:1.2.3.4`), or an IPv6 address's
 * /64 — one subscriber's prefix, whose 2^64 addresses would otherwise each get the whole limit.
 */
export function addressKey(address: string): string {
  const bare = address.split('%', 1)[0]!;
  if (!ipaddr.isValid(bare)) return address;
  // process() reads an IPv4-mapped IPv6 address as the IPv4 address it maps.
  const parsed = ipaddr.process(bare);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  return `${(parsed as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16)).join(':')}::/64`;
}
