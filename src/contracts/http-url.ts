import { z } from 'zod';

/**
 * An absolute http(s) URL without `user:password@`. Credentials in a URL can never be sent safely: fetch
 * refuses them, and every error message that repeats the URL would carry them into logs, histories and
 * API answers. Credentials belong in the field made for them (auth settings, a declared secret).
 */
export function httpUrl(messages: { invalid: string; credentials: string }) {
  return z.url({ protocol: /^https?$/, error: messages.invalid }).refine((value) => {
    if (!URL.canParse(value)) return true; // already reported as invalid
    const url = new URL(value);
    return url.username === '' && url.password === '';
  }, messages.credentials);
}
