/**
 * File-name globs (`*` any run of characters, `?` one character, everything else literal) matched without
 * regular expressions. A glob compiled to a backtracking RegExp (picomatch's `*` is `[^/]*?`, our old one
 * `.*`) takes time exponential in the number of stars: `*a*a*a*a*a*a*b` against 64 `a`s took 4.4 s in
 * picomatch 4 and froze the worker. This matcher keeps one backtrack point, the last star, so a match costs
 * at most pattern length × name length steps.
 */

/** Longest pattern accepted (file names are at most 255 bytes on common file systems). */
export const MAX_GLOB_LENGTH = 256;

/** A compiled glob: true when the whole name matches. */
export type GlobMatcher = (name: string) => boolean;

export function compileGlob(glob: string): GlobMatcher {
  // Code points, not UTF-16 units, so `?` matches one character of any script.
  const pattern = Array.from(glob);
  return (name) => {
    const text = Array.from(name);
    let p = 0;
    let t = 0;
    let star = -1; // position in the pattern just after the last `*` seen
    let resume = 0; // where in the text that star's run currently ends
    while (t < text.length) {
      if (p < pattern.length && pattern[p] === '*') {
        star = ++p;
        resume = t;
      } else if (p < pattern.length && (pattern[p] === '?' || pattern[p] === text[t])) {
        p++;
        t++;
      } else if (star >= 0) {
        // Let the last star swallow one more character and retry the rest from there; earlier stars never
        // need to change, because the last one can absorb whatever they would have taken.
        p = star;
        t = ++resume;
      } else {
        return false;
      }
    }
    while (p < pattern.length && pattern[p] === '*') p++;
    return p === pattern.length;
  };
}
