import { createHmac } from 'node:crypto';
import { safeEqual } from './safe-equal';

/** Cookie a browser gets from `GET /codec/login`, so the Temporal UI can call the codec endpoints. */
export const CODEC_SESSION_COOKIE = 'tether_codec_session';
export const CODEC_SESSION_SECONDS = 12 * 60 * 60;

function sessionSignature(adminToken: string, issuedAt: number): string {
  return createHmac('sha256', adminToken).update(`tether-codec-session:${issuedAt}`).digest('base64url');
}

/** A new session cookie value: the admin token's HMAC over its issue time. */
export function issueCodecSession(adminToken: string, nowSeconds = Date.now() / 1000): string {
  const issuedAt = Math.floor(nowSeconds);
  return `${issuedAt}.${sessionSignature(adminToken, issuedAt)}`;
}

/** A session cookie expires, and rotating the admin token revokes it. */
export function isValidCodecSession(cookie: string | undefined, adminToken: string, nowSeconds = Date.now() / 1000): boolean {
  const [issued, signature] = (cookie ?? '').split('.', 2);
  const issuedAt = Number(issued);
  if (!signature || !Number.isInteger(issuedAt) || nowSeconds - issuedAt > CODEC_SESSION_SECONDS || issuedAt > nowSeconds + 60) return false;
  return safeEqual(signature, sessionSignature(adminToken, issuedAt));
}
