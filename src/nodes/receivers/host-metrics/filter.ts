// Name filters of the disk, filesystem, network and process families: `strict` (equal), `glob` (`*` any run, `?` one
// character, the whole name) or `regexp` (matches anywhere in the name unless anchored). An empty list filters nothing.
import type { MatchType } from './config.js';

export type NameMatcher = (value: string) => boolean;

/**
 * Upstream's patterns are Rust regexes; the common subset is JavaScript's too. A leading inline flag group such as
 * `(?i)`, which JavaScript (Node 20) does not parse, becomes a RegExp flag.
 */
export function compileRegexp(pattern: string): RegExp {
  const inline = /^\(\?([imsx]+)\)/.exec(pattern);
  // Without the u flag: like Rust's, JavaScript's legacy syntax lets any punctuation be escaped (`\-`).
  if (!inline) return new RegExp(pattern);
  const flags = inline[1] as string;
  if (flags.includes('x')) throw new SyntaxError('the x (extended) flag is not supported');
  return new RegExp(pattern.slice(inline[0].length), flags);
}

/** The reason a regexp pattern does not compile, or undefined when it does. */
export function regexpProblem(pattern: string): string | undefined {
  try {
    compileRegexp(pattern);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (const ch of glob) {
    if (ch === '*') source += '[^]*';
    else if (ch === '?') source += '[^]';
    else source += ch.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** A matcher for `values`, or undefined when the list is empty (no filtering). Patterns were validated already. */
export function compileFilter(values: readonly string[] | undefined, matchType: MatchType): NameMatcher | undefined {
  if (!values || values.length === 0) return undefined;
  switch (matchType) {
    case 'strict': {
      const set = new Set(values);
      return (value) => set.has(value);
    }
    case 'glob': {
      const patterns = values.map(globToRegExp);
      return (value) => patterns.some((p) => p.test(value));
    }
    case 'regexp': {
      const patterns = values.map(compileRegexp);
      return (value) => patterns.some((p) => p.test(value));
    }
  }
}

/** Include (when given) must match and exclude (when given) must not. */
export function allows(value: string, include: NameMatcher | undefined, exclude: NameMatcher | undefined): boolean {
  return (include === undefined || include(value)) && !(exclude !== undefined && exclude(value));
}
