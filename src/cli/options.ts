// Command-line parsing (CONTRACT.md §1), with upstream's flags and its parser's rules: -h/--help and -V/--version print
// and exit 0; anything wrong in the arguments (an unknown option, a missing or bad value, an option given twice, two that
// conflict, a stray argument) is exit code 2. An invalid config is not an argument problem: main.ts exits 1 for it.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { createRequire } from 'node:module';
import type { LogFormat } from '../util/logger.js';

export interface CliOptions {
  config?: string;
  numCores?: number;
  coreIdRange?: string;
  httpAdminBind?: string;
  validateAndExit: boolean;
  /** Lets the admin API listen on a non-loopback address without authentication (refused otherwise). */
  allowUnauthenticatedAdmin: boolean;
  /** Absent when not given: engine.telemetry.logs.level applies, else info. */
  logLevel?: string;
  logFormat: LogFormat;
  /** Print the license and third-party notices, and exit. */
  license: boolean;
  /** Where committed live changes are persisted (overrides engine.state_dir). */
  stateDir?: string;
  /** Start from the config file even when the state dir holds a state (which the start then overwrites). */
  resetState: boolean;
}

const version = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

export type ParsedArgs = { kind: 'run'; options: CliOptions } | { kind: 'exit'; code: number };

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a whole number (0: all cores)');
  return n;
}

function hostPort(value: string): string {
  if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):[0-9]{1,5}$/.test(value) || Number(value.slice(value.lastIndexOf(':') + 1)) > 65535) {
    throw new InvalidArgumentError('expected HOST:PORT, for example 127.0.0.1:8080');
  }
  return value;
}

export function parseArgs(argv: string[], out: { stdout: (s: string) => void; stderr: (s: string) => void }): ParsedArgs {
  const program = new Command('otap-engine')
    .description('Telemetry dataflow engine whose pipelines are changed live through an admin API')
    .version(version, '-V, --version', 'print the version and exit')
    .option('-c, --config <source>', 'config: a path, file:PATH, env:VAR or yaml:INLINE (default: the embedded configs/default.yaml)')
    .addOption(
      new Option('--num-cores <n>', 'default core_count of every pipeline without its own allocation (0: all cores)')
        .argParser(wholeNumber)
        .conflicts('coreIdRange'),
    )
    .option('--core-id-range <list>', 'default core_set of every pipeline without its own allocation: "0-3,6", "0..3", "0..=3"')
    .option('--http-admin-bind <host:port>', 'admin API address (overrides engine.http_admin.bind_address)', hostPort)
    .option('--validate-and-exit', 'validate the config, print every error with its path, and exit', false)
    .option('--allow-unauthenticated-admin', 'allow the admin API on a non-loopback address without authentication', false)
    .option('--license', 'print the license and the third-party notices, and exit', false)
    .option('--state-dir <dir>', 'persist every committed live change there, and run it at the next start (overrides engine.state_dir)')
    .option('--reset-state', 'start from the config file, not from the state dir (whose state is then overwritten)', false)
    .addOption(new Option('--log-level <level>', 'log level (default: engine.telemetry.logs.level, else info)').choices(LOG_LEVELS))
    .addOption(new Option('--log-format <format>', 'log format').choices(['json', 'pretty']).default('json'))
    .addHelpText('after', '\nClient of a running engine: otap-engine ctl --help (status, apply, rollout status --watch, ...).')
    .exitOverride()
    .configureOutput({ writeOut: out.stdout, writeErr: out.stderr })
    .allowExcessArguments(false);
  refuseRepeats(program);
  try {
    program.parse(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      const help = error.code === 'commander.helpDisplayed' || error.code === 'commander.version';
      return { kind: 'exit', code: help ? 0 : 2 };
    }
    throw error;
  }
  const o = program.opts<CliOptions>();
  const flags = { validateAndExit: Boolean(o.validateAndExit), allowUnauthenticatedAdmin: Boolean(o.allowUnauthenticatedAdmin), license: Boolean(o.license), resetState: Boolean(o.resetState) };
  return { kind: 'run', options: { ...o, ...flags } };
}

/** An option given twice is a usage error, as upstream's parser has it, rather than the last one silently winning. */
function refuseRepeats(program: Command): void {
  for (const option of program.options) {
    let seen = 0;
    program.on(`option:${option.name()}`, () => {
      seen += 1;
      if (seen > 1) program.error(`error: option '${option.flags}' cannot be given more than once`, { code: 'otap.repeatedOption' });
    });
  }
}
