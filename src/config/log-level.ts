// `engine.telemetry.logs.level`: upstream passes it to tracing's EnvFilter, so it is a level keyword (`info`) or a
// list of directives (`info,h2=off,hyper=off`). A bare level sets the engine's level; `target=level` directives name
// upstream's Rust modules, which have no counterpart here: they are accepted, reported, and have no effect.

/** Upstream's level keywords, and pino's name for each. */
const LEVELS: Readonly<Record<string, string>> = {
  off: 'silent',
  error: 'error',
  warn: 'warn',
  info: 'info',
  debug: 'debug',
  trace: 'trace',
};

export type LevelDirective =
  | {
      ok: true;
      /** pino's level name. */
      level: string;
      /** False when only target directives were given (the level is then info). */
      explicitLevel: boolean;
      targets: string[];
    }
  | { ok: false; message: string };

// target, an optional span filter in brackets, an optional level: `h2=off`, `my_crate::net[conn{id}]=debug`.
const TARGET_DIRECTIVE = /^([A-Za-z_][A-Za-z0-9_:.-]*)?(\[[^\]]*\])?(?:=([A-Za-z]+))?$/;

export function parseLevelDirective(text: string): LevelDirective {
  let level: string | undefined;
  const targets: string[] = [];
  for (const raw of text.split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    const keyword = LEVELS[item.toLowerCase()];
    if (keyword !== undefined) {
      level = keyword;
      continue;
    }
    const match = TARGET_DIRECTIVE.exec(item);
    const named = match?.[3];
    if (!match || (match[1] === undefined && match[2] === undefined) || (named !== undefined && LEVELS[named.toLowerCase()] === undefined)) {
      return { ok: false, message: `"${item}" is neither a level (${Object.keys(LEVELS).join(', ')}) nor a target=level directive` };
    }
    targets.push(item);
  }
  return { ok: true, level: level ?? 'info', explicitLevel: level !== undefined, targets };
}
