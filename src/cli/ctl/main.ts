// `otap-engine ctl`: a client of a running engine's admin API (docs/cli.md). bin/otap-engine loads this module, and
// only this module, for `ctl`: none of the engine (config, supervisor, logger) is loaded, so it starts fast, and the
// engine never loads it.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { AdminClient, normaliseBaseUrl } from './client.js';
import * as commands from './commands.js';
import type { CtlContext, CtlIo } from './context.js';
import * as follow from './follow-commands.js';
import * as groups from './group-commands.js';
import * as configs from './config-commands.js';
import { CtlExit, EXIT } from './exit-codes.js';
import { parseSeconds } from './inputs.js';

export const DEFAULT_ADMIN_URL = 'http://127.0.0.1:8080';

const EXIT_CODES_HELP = `
Exit codes:
  0  succeeded (or accepted, without --wait/--watch)
  1  the operation ran and failed (rollout failed or rolled back, shutdown did not drain, delete or reconcile failed)
  2  usage: bad arguments or input file; nothing was sent
  3  no answer from the admin API (unreachable, not the admin API, or a 5xx error)
  4  the engine refused the request (4xx: invalid config, not found, busy, unauthorized)
  5  waiting ran out; the operation goes on`;

interface GlobalOptions {
  url: string;
  token?: string;
  cacert?: string;
  cert?: string;
  key?: string;
  output: 'table' | 'json';
}

function seconds(text: string): number {
  try {
    return parseSeconds(text);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

const processIo: CtlIo = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  isTTY: Boolean(process.stdout.isTTY),
};

function buildProgram(run: (action: (ctx: CtlContext) => Promise<void>) => Promise<void>, io: CtlIo): Command {
  const program = new Command('otap-engine ctl')
    .description('Drive a running otap-engine through its admin API (docs/cli.md).')
    .addHelpText('after', EXIT_CODES_HELP)
    .addOption(new Option('--url <url>', 'admin API address').env('OTAP_ENGINE_ADMIN_URL').default(DEFAULT_ADMIN_URL))
    .addOption(new Option('--token <token>', 'admin API bearer token').env('OTAP_ENGINE_ADMIN_TOKEN'))
    .addOption(new Option('--cacert <file>', 'PEM CA bundle to trust for an https:// admin API').env('OTAP_ENGINE_ADMIN_CACERT'))
    .addOption(new Option('--cert <file>', 'PEM client certificate, for an admin API that requires one (mutual TLS)').env('OTAP_ENGINE_ADMIN_CERT'))
    .addOption(new Option('--key <file>', 'PEM key of --cert').env('OTAP_ENGINE_ADMIN_KEY'))
    .addOption(new Option('-o, --output <format>', 'table for people, json for scripts (the API JSON as it is)').choices(['table', 'json']).default('table'))
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError()
    .allowExcessArguments(false);

  const followWait = (cmd: Command, waitHelp: string | undefined): Command => {
    if (waitHelp) cmd.option('--wait', waitHelp);
    return cmd
      .option('--watch', 'follow the operation live until it ends (exit code by its outcome)')
      .option('--timeout <secs>', 'how long --wait / --watch wait (1-3600; --wait default 60)', seconds);
  };

  program.command('status').description('status of every pipeline').action(() => run((ctx) => commands.status(ctx)));
  program
    .command('get')
    .description('a pipeline: status, instances and committed config')
    .argument('<group/pipeline>')
    .action((target: string) => run((ctx) => commands.get(ctx, target)));
  followWait(
    program
      .command('apply')
      .description('create or change a pipeline from a file (PUT)')
      .argument('<group/pipeline>')
      .requiredOption('-f, --file <file>', 'one pipeline in YAML or JSON (or a PUT body {pipeline, …}); - for stdin')
      .option('--dry-run', 'show the action, the per-core plan and the diff; change nothing')
      .option('--step-timeout <secs>', "bound on each new instance's wait for ready", seconds)
      .option('--drain-timeout <secs>', "bound on each old instance's drain", seconds),
    'the engine answers when the rollout has ended',
  ).action((target: string, o: commands.ApplyOptions) => run((ctx) => commands.apply(ctx, target, o)));
  const rollout = program.command('rollout').description('rollout records');
  rollout
    .command('status')
    .description('a rollout, per core; without GROUP/PIPELINE the pipeline whose latest rollout it is')
    .argument('<rollout-id>')
    .argument('[group/pipeline]')
    .option('--watch', 'redraw as it changes until the rollout has ended (exit 1 unless it succeeded)')
    .option('--timeout <secs>', 'how long --watch waits', seconds)
    .action((id: string, target: string | undefined, o: follow.WatchFlags) => run((ctx) => follow.rolloutStatus(ctx, target === undefined ? [id] : [id, target], o)));
  // `shutdown status ID` and `reconcile status ID` read records, as `rollout status` does. They are told apart from
  // the commands' own arguments here rather than as subcommands, whose options commander would give to the parent.
  followWait(
    program
      .command('shutdown')
      .description('drain and stop every instance of a pipeline (its config is kept); `shutdown status` reads a shutdown, per core')
      .usage('[options] <group/pipeline>\n       otap-engine ctl shutdown status [--watch] [--timeout SECS] <shutdown-id> [group/pipeline]')
      .argument('<group/pipeline | status>')
      .argument('[shutdown-id and group/pipeline...]')
      .option('--drain-timeout <secs>', 'past it an instance is killed', seconds),
    'the engine answers when the drain has ended',
  ).action((first: string, rest: string[], o: commands.ShutdownOptions) =>
    run((ctx) => (first === 'status' ? follow.shutdownStatus(ctx, rest, onlyWatch(o, 'shutdown status')) : commands.shutdown(ctx, single(first, rest), o))),
  );
  followWait(program.command('start').description('start a stopped pipeline from its committed config').argument('<group/pipeline>'), undefined).action(
    (target: string, o: commands.FollowOptions) => run((ctx) => commands.start(ctx, target, o)),
  );
  followWait(program.command('delete').description('drain a pipeline and forget it (the engine waits up to --timeout)').argument('<group/pipeline>'), undefined).action(
    (target: string, o: commands.FollowOptions) => run((ctx) => commands.remove(ctx, target, o)),
  );
  followWait(
    program
      .command('reconcile')
      .description('make the engine match a whole config file (-f); `reconcile status` reads a reconcile (latest: the latest one, a SIGHUP reload too)')
      .usage('[options] -f <file>\n       otap-engine ctl reconcile status [--watch] [--timeout SECS] <reconcile-id>')
      .argument('[status]')
      .argument('[reconcile-id]')
      .option('-f, --file <file>', 'an otel_dataflow/v1 document in YAML or JSON; - for stdin')
      .option('--dry-run', "show each pipeline's action, plan and diff; change nothing")
      .option('--delete-missing', 'drain and forget running pipelines the file leaves out'),
    'the engine answers when every pipeline has ended its rollout',
  ).action((word: string | undefined, id: string | undefined, o: commands.ReconcileOptions) =>
    run((ctx) => {
      if (word === undefined) return commands.reconcile(ctx, o);
      if (word !== 'status' || id === undefined) throw new CtlExit(EXIT.usage, 'expected `reconcile -f FILE` or `reconcile status RECONCILE_ID`');
      return follow.reconcileStatus(ctx, id, onlyWatch(o, 'reconcile status'));
    }),
  );

  program
    .command('config')
    .description('the committed config: `config export` prints it as YAML that --config accepts, secrets as references')
    .argument('<export>')
    .option('-f, --file <file>', 'write it to this file (mode 0600) rather than to stdout')
    .action((word: string, o: { file?: string }) =>
      run((ctx) => {
        if (word !== 'export') throw new CtlExit(EXIT.usage, 'expected `config export`');
        return configs.exportConfig(ctx, o);
      }),
    );

  const group = program.command('groups').description('pipeline groups');
  group.command('list').description('every group, with its pipelines and how many run').action(() => run((ctx) => groups.list(ctx)));
  group.command('get').description("a group as the engine holds it").argument('<group>').action((name: string) => run((ctx) => groups.get(ctx, name)));
  group.command('create').description('create an empty group').argument('<group>').action((name: string) => run((ctx) => groups.create(ctx, name)));
  group
    .command('delete')
    .description('drain every pipeline of a group and forget it (the engine waits up to --timeout)')
    .argument('<group>')
    .option('--watch', 'follow the shutdowns of an engine that does not wait')
    .option('--timeout <secs>', 'how long the engine (or --watch) waits; default 60', seconds)
    .action((name: string, o: commands.FollowOptions) => run((ctx) => groups.remove(ctx, name, o)));
  group
    .command('status')
    .description('every pipeline by group; --watch follows a shutdown of them all until none runs')
    .option('--watch', 'redraw as it changes until no pipeline runs (exit 1 if one ended failed)')
    .option('--timeout <secs>', 'how long --watch waits', seconds)
    .action((o: commands.FollowOptions) => run((ctx) => groups.status(ctx, o)));
  followWait(group.command('shutdown').description('drain every pipeline of the engine, which then exits'), 'the engine answers when every pipeline has stopped').action(
    (o: commands.FollowOptions) => run((ctx) => groups.shutdownAll(ctx, o)),
  );
  return program;
}

/** One GROUP/PIPELINE and nothing after it. */
function single(target: string, rest: string[]): string {
  if (rest.length > 0) throw new CtlExit(EXIT.usage, `unexpected ${rest.map((a) => JSON.stringify(a)).join(' ')} after ${target}`);
  return target;
}

/** The options a `… status` read takes (--watch, --timeout); the command's others would be silently ignored. */
function onlyWatch(options: object, what: string): follow.WatchFlags {
  const o = options as Record<string, unknown>;
  const others = Object.keys(o).filter((k) => k !== 'watch' && k !== 'timeout' && o[k] !== undefined);
  if (others.length > 0) throw new CtlExit(EXIT.usage, `${what} takes --watch and --timeout only, not ${others.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')}`);
  return { watch: o.watch === true, ...(typeof o.timeout === 'number' ? { timeout: o.timeout } : {}) };
}

/** `otap-engine ctl` with the connection options given on the command line, for the commands ctl tells the user to run. */
function invocationOf(program: Command): string[] {
  const words = ['otap-engine', 'ctl'];
  for (const name of ['url', 'cacert', 'cert', 'key'] as const) {
    const value = program.getOptionValue(name) as string | undefined;
    if (value !== undefined && program.getOptionValueSource(name) === 'cli') words.push(`--${name}`, value);
  }
  // The token is a secret: never printed; the user passes it again as they did.
  if (program.getOptionValueSource('token') === 'cli') words.push('--token', 'TOKEN');
  return words;
}

/** Runs `ctl` with its arguments (after `ctl`); resolves with the exit code. */
export async function runCtl(args: string[], io: CtlIo = processIo): Promise<number> {
  let code: number = EXIT.ok;
  const report = (error: unknown): void => {
    if (error instanceof CtlExit) {
      if (error.message) io.stderr(`${error.message}\n`);
      code = error.code;
      return;
    }
    throw error;
  };
  const program = buildProgram(async (action) => {
    const global = program.opts<GlobalOptions>();
    try {
      const client = new AdminClient(normaliseBaseUrl(global.url), global.token || undefined, {
        ...(global.cacert ? { cacert: global.cacert } : {}),
        ...(global.cert ? { cert: global.cert } : {}),
        ...(global.key ? { key: global.key } : {}),
      });
      await action({ client, json: global.output === 'json', io, invocation: invocationOf(program) });
    } catch (error) {
      report(error);
    }
  }, io);
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help exits 0; help shown because a command was missing, like any parse error, is a usage error.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    throw error;
  }
  return code;
}
