// Record times in nanoseconds since the epoch, as bigint (they do not fit a double). RFC 5424 timestamps are RFC 3339
// (`2003-10-11T22:14:15.003Z`, `...+02:00`, up to nanoseconds; digits past the ninth are ignored). RFC 3164 timestamps
// (`Oct 11 22:14:15`) have no year or zone: the current year and the machine's local time zone are assumed.
// A timestamp that does not parse gives undefined: the record then has no time (0), only its observed time.

const BSD = /^([A-Za-z]{3}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})$/;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const NS_PER_MS = 1_000_000n;
const NS_PER_SECOND = 1_000_000_000n;
/** Times a signed 64-bit nanosecond count cannot hold are treated as absent. */
const MAX_NS = (1n << 63n) - 1n;
const MIN_NS = -(1n << 63n);

/** RFC 3339 text (as bytes, the way the parser holds it) → nanoseconds. Read digit by digit: this runs per message. */
export function rfc3339Nanos(text: Buffer | string): bigint | undefined {
  const b = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
  if (b.length < 20) return undefined;
  const year = digits(b, 0, 4);
  const month = digits(b, 5, 2);
  const day = digits(b, 8, 2);
  const hour = digits(b, 11, 2);
  const minute = digits(b, 14, 2);
  const second = digits(b, 17, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return undefined;
  if (b[4] !== DASH || b[7] !== DASH || b[13] !== COLON || b[16] !== COLON) return undefined;
  const t = b[10];
  if (t !== 0x54 && t !== 0x74 && t !== SPACE) return undefined;
  if (!validDate(year, month, day) || hour > 23 || minute > 59 || second > 60) return undefined;
  let at = 19;
  let fraction = 0;
  if (b[at] === DOT) {
    const start = ++at;
    while (at < b.length && isDigit(b[at] as number)) {
      // Digits past the ninth are ignored, as chrono does.
      if (at - start < 9) fraction = fraction * 10 + ((b[at] as number) - ZERO);
      at++;
    }
    if (at === start) return undefined;
    for (let n = Math.min(at - start, 9); n < 9; n++) fraction *= 10;
  }
  let offsetMinutes = 0;
  const zone = b[at];
  if (zone === 0x5a || zone === 0x7a) at++;
  else if (zone === PLUS || zone === DASH) {
    const oh = digits(b, at + 1, 2);
    const om = digits(b, at + 4, 2);
    if (oh < 0 || om < 0 || b[at + 3] !== COLON || oh > 23 || om > 59) return undefined;
    offsetMinutes = (zone === DASH ? -1 : 1) * (oh * 60 + om);
    at += 6;
  } else return undefined;
  if (at !== b.length) return undefined;
  // A leap second (:60) is the last second of the minute plus one second, as chrono counts it.
  const seconds = daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offsetMinutes * 60;
  return inRange(BigInt(seconds) * NS_PER_SECOND + BigInt(fraction));
}

const ZERO = 0x30;
const DASH = 0x2d;
const PLUS = 0x2b;
const COLON = 0x3a;
const DOT = 0x2e;
const SPACE = 0x20;

function isDigit(b: number): boolean {
  return b >= ZERO && b <= ZERO + 9;
}

/** The number written in `count` ASCII digits at `at`, or -1. */
function digits(b: Buffer, at: number, count: number): number {
  if (at + count > b.length) return -1;
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const c = b[i] as number;
    if (!isDigit(c)) return -1;
    value = value * 10 + (c - ZERO);
  }
  return value;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** The year and the last timestamp converted are remembered: the local-time conversion is slow, and senders repeat. */
let yearReadAt = -Infinity;
let thisYear = 0;
let lastBsd = { text: '', year: 0, nanos: undefined as bigint | undefined };

export function bsdNanos(text: string, year = currentYear()): bigint | undefined {
  if (text === lastBsd.text && year === lastBsd.year) return lastBsd.nanos;
  const nanos = parseBsd(text, year);
  lastBsd = { text, year, nanos };
  return nanos;
}

function currentYear(): number {
  const now = Date.now();
  if (now - yearReadAt > 1000) {
    yearReadAt = now;
    thisYear = new Date(now).getFullYear();
  }
  return thisYear;
}

function parseBsd(text: string, year: number): bigint | undefined {
  const m = BSD.exec(text);
  if (!m) return undefined;
  const month = MONTHS.indexOf((m[1] as string).toLowerCase()) + 1;
  const [day, hour, minute, second] = m.slice(2, 6).map(Number) as [number, number, number, number];
  if (month === 0 || !validDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  const local = new Date(year, month - 1, day, hour, minute, second);
  return inRange(BigInt(local.getTime()) * NS_PER_MS);
}

function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] as number;
  return day <= days;
}

function inRange(ns: bigint): bigint | undefined {
  return ns > MAX_NS || ns < MIN_NS ? undefined : ns;
}
