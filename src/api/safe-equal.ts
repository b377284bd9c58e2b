import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();
/** Digests of the expected values (a process's few configured credentials), so a check hashes only what it was given. */
const expectedDigests = new Map<string, Buffer>();

/** Constant-time comparison that does not leak the length of the expected value. */
export function safeEqual(given: string, expected: string): boolean {
  let expectedDigest = expectedDigests.get(expected);
  if (!expectedDigest) {
    expectedDigest = digest(expected);
    expectedDigests.set(expected, expectedDigest);
  }
  return timingSafeEqual(digest(given), expectedDigest);
}
