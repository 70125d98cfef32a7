// `${env:VAR}` and `${env:VAR:-default}` are replaced in the config text before YAML parsing, so a variable can supply
// any scalar (a port, a number, a token). `$${env:VAR}` stays literal as `${env:VAR}`. Whole-line comments are left
// alone: a commented-out reference to an unset variable is not an error.

export type EnvEnvironment = Readonly<Record<string, string | undefined>>;

export interface EnvProblem {
  code: 'EnvVarUnset' | 'EnvVarSyntax';
  /** The variable name, or the text between `${env:` and `}` when it is not a valid name. */
  variable: string;
  line: number;
  column: number;
  /** Stands where the reference was in `markedText`, so that the YAML path of the problem can be found. */
  marker: string;
}

export type EnvSubstResult =
  | { ok: true; text: string }
  | { ok: false; problems: EnvProblem[]; markedText: string };

const REFERENCE = /\$(\$?)\{env:([^}\n]*)\}/g;
const BODY = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

export function substituteEnv(text: string, env: EnvEnvironment = process.env): EnvSubstResult {
  const problems: EnvProblem[] = [];
  const lines = text.split('\n').map((line, index) => {
    if (/^\s*#/.test(line)) return line;
    return line.replace(REFERENCE, (whole: string, escape: string, body: string, offset: number) => {
      if (escape === '$') return whole.slice(1);
      const value = resolveReference(body, env);
      if (value.ok) return value.text;
      const marker = `__otap_env_problem_${problems.length}__`;
      problems.push({ code: value.code, variable: body, line: index + 1, column: offset + 1, marker });
      return marker;
    });
  });
  const out = lines.join('\n');
  return problems.length === 0 ? { ok: true, text: out } : { ok: false, problems, markedText: out };
}

type Resolution = { ok: true; text: string } | { ok: false; code: EnvProblem['code'] };

function resolveReference(body: string, env: EnvEnvironment): Resolution {
  const match = BODY.exec(body);
  const name = match?.[1];
  if (!match || name === undefined) return { ok: false, code: 'EnvVarSyntax' };
  const value = env[name];
  const fallback = match[2];
  // As in the shell, `:-` also covers a variable that is set but empty.
  if (fallback !== undefined && (value === undefined || value === '')) return { ok: true, text: fallback };
  if (value === undefined) return { ok: false, code: 'EnvVarUnset' };
  return { ok: true, text: value };
}
