// What the syslog and CEF parsers find in one message. Every field is a view into the received bytes (no copy); text
// is decoded only when a record is written. An absent field is undefined; RFC 5424's NILVALUE `-` reads as absent.

export interface Priority {
  facility: number;
  severity: number;
}

export interface Rfc5424Message {
  priority: Priority;
  version: number;
  timestamp?: Buffer;
  hostname?: Buffer;
  appName?: Buffer;
  procId?: Buffer;
  msgId?: Buffer;
  structuredData?: Buffer;
  message?: Buffer;
}

export interface Rfc3164Message {
  /** Absent when the message had no valid `<PRI>`: then it counts as only partly parsed. */
  priority?: Priority;
  timestamp?: Buffer;
  hostname?: Buffer;
  tag?: Buffer;
  appName?: Buffer;
  /** Only a numeric pid in `tag[pid]`. */
  procId?: Buffer;
  content?: Buffer;
}

export interface CefMessage {
  /** The major version: 0 or 1. */
  version: number;
  deviceVendor: Buffer;
  deviceProduct: Buffer;
  deviceVersion: Buffer;
  deviceEventClassId: Buffer;
  name: Buffer;
  severity: Buffer;
  /** Everything after the seventh unescaped pipe, parsed into key=value pairs when the record is written. */
  extensions: Buffer;
}

/** The `input.format` attribute value: which shape the message was recognised as. */
export type InputFormat = 'rfc5424' | 'rfc3164' | 'cef' | 'cef_rfc5424' | 'cef_rfc3164';

export type ParsedMessage = { input: Buffer } & (
  | { format: 'rfc5424'; syslog: Rfc5424Message }
  | { format: 'rfc3164'; syslog: Rfc3164Message }
  | { format: 'cef'; cef: CefMessage }
  | { format: 'cef_rfc5424'; syslog: Rfc5424Message; cef: CefMessage }
  | { format: 'cef_rfc3164'; syslog: Rfc3164Message; cef: CefMessage }
);

/** Only empty input is refused: RFC 3164 takes anything else, keeping the raw text as the record's body. */
export type ParseOutcome = { ok: true; message: ParsedMessage } | { ok: false; reason: 'empty' };

/** A message is fully parsed unless it is RFC 3164 (alone or carrying CEF) without a valid priority. */
export function isFullyParsed(message: ParsedMessage): boolean {
  return message.format === 'rfc3164' || message.format === 'cef_rfc3164' ? message.syslog.priority !== undefined : true;
}
