/** Deepest JSON nesting a request body may have: far beyond any contract, far below what overflows a recursive reader. */
export const maxJsonDepth = 64;

/**
 * How deep arrays and objects nest in a JSON text, found in one pass without parsing (so a hostile body never
 * reaches a recursive parser or validator). Brackets inside strings do not count. Stops counting past `limit`.
 */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}
