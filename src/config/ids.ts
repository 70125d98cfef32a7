// Group and pipeline ids appear in admin paths, status keys (`group:pipeline`), metrics labels and log fields, so one
// pattern governs them everywhere: no separators, no path tricks.
export const ID_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** Names that would reach an object's prototype when used as a key. */
export const PROTOTYPE_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

export function isValidId(value: string): boolean {
  return ID_PATTERN.test(value) && value !== '.' && value !== '..' && !PROTOTYPE_KEYS.includes(value);
}

/** ID_PATTERN in words, for error messages. */
export const ID_RULE = 'is 1 to 128 letters, digits, "_", "." or "-", and starts with a letter, digit or "_"';
