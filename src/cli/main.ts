// `otap-engine`: validate the config, or run the engine until a signal stops it. Resolves with the exit code.
import { fileURLToPath } from 'node:url';
import { loadAndValidate, formatConfigErrors, type ConfigWarning } from '../config/index.js';
import { setUpAdminAuth } from '../admin/auth-settings.js';
import { loadAdminTls } from '../admin/tls-settings.js';
import { availableCores } from '../supervisor/available-cores.js';
import { engineCatalog } from '../nodes/catalog.js';
import { createLogger, type LogFormat } from '../util/logger.js';
import { settleConsoles } from '../util/async-console.js';
import type { Logger } from 'pino';
import type { EngineTelemetry } from '../supervisor/observability/engine-telemetry.js';
import { parseArgs } from './options.js';
import { coreAllocationFromFlags } from './core-flags.js';
import type { CoreAllocation } from '../config/types.js';
import { installSignalHandlers } from './signals.js';
import { prepareState } from './state-start.js';

export const EMBEDDED_CONFIG = fileURLToPath(new URL('../../configs/default.yaml', import.meta.url));
const DEFAULT_ADMIN_BIND = '127.0.0.1:8080';
/** Deadline for draining every pipeline on SIGTERM; systemd's TimeoutStopSec is set above it. */
export const SHUTDOWN_DRAIN_MS = 60_000;

export async function main(argv: string[]): Promise<number> {
  try {
    return await run(argv);
  } finally {
    // The supervisor's last lines (`engine stopped`) leave, or fail to, before the process exits.
    await settleConsoles();
  }
}

async function run(argv: string[]): Promise<number> {
  const parsed = parseArgs(argv, { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) });
  if (parsed.kind === 'exit') return parsed.code;
  const options = parsed.options;
  if (options.license) {
    process.stdout.write((await import('./license.js')).licenseText());
    return 0;
  }

  let coreAllocationOverride: CoreAllocation | undefined;
  try {
    coreAllocationOverride = coreAllocationFromFlags({ numCores: options.numCores, coreIdRange: options.coreIdRange });
  } catch (error) {
    process.stderr.write(`otap-engine: ${(error as Error).message}\n`);
    return 2;
  }
  const cores = await availableCores();
  // Test-only node types exist only in an engine started for tests; a user's engine refuses them as unknown.
  const catalog = engineCatalog();

  const source = options.config ?? EMBEDDED_CONFIG;
  const loadContext = {
    availableCores: cores,
    catalog,
    coreCheck: options.validateAndExit ? ('warn' as const) : ('enforce' as const),
    ...(coreAllocationOverride ? { coreAllocationOverride } : {}),
  };
  const result = await loadAndValidate(source, loadContext);
  if (result.warnings.length > 0) process.stderr.write(formatWarnings(result.warnings));
  if (!result.ok) {
    // Upstream's code: 1 for any error at start, an invalid or unreadable config included; 2 is for bad arguments.
    process.stderr.write(`otap-engine: invalid configuration (${source}):\n${formatConfigErrors(result.errors)}\n`);
    return 1;
  }
  if (options.validateAndExit) {
    process.stdout.write(`configuration is valid: ${result.pipelines.length} pipeline(s)\n`);
    return 0;
  }

  // With a state dir, its committed state runs rather than the file's pipelines (the engine section is the file's).
  const state = await prepareState({ flag: options.stateDir, reset: options.resetState, configSource: source, loaded: result, ctx: loadContext });
  if (state.kind === 'error') {
    process.stderr.write(`otap-engine: ${state.message}\n`);
    return state.code;
  }
  const running = state.kind === 'ready' ? state : { config: result.config, pipelines: result.pipelines, written: result.written?.kind === 'kept' ? result.written.document : undefined };

  // Loaded only to run: validation stays quick and never pulls in the admin server or process management.
  const { Engine } = await import('../supervisor/engine.js');
  const { EngineTelemetry } = await import('../supervisor/observability/engine-telemetry.js');
  const telemetry = new EngineTelemetry(result.config, { logLevel: options.logLevel, logFormat: options.logFormat });
  const logger = supervisorLogger(telemetry, 'global', options.logFormat);
  // With a state dir, the first line says what runs: its committed state, or the config file (without one, the file
  // always runs, and the first line stays `admin listening`).
  if (state.kind === 'ready' && state.origin === 'state') {
    logger.info({ stateFile: state.stateFile, config: source }, `running the committed state of ${state.stateFile} (the engine section comes from ${source})`);
  } else if (state.kind === 'ready') {
    logger.info({ config: source, stateFile: state.stateFile }, `running the config ${source}`);
  }
  if (state.kind === 'ready' && state.removedTemporaries.length > 0) {
    logger.warn({ removed: state.removedTemporaries }, 'state dir: temporary files of an interrupted write were removed (the state file was not replaced by them)');
  }
  const adminBind = options.httpAdminBind ?? result.config.engine?.http_admin?.bind_address ?? DEFAULT_ADMIN_BIND;
  const adminTls = await loadAdminTls(result.config.engine?.http_admin?.tls);
  if (!adminTls.ok) {
    process.stderr.write(`otap-engine: ${adminTls.message}\n`);
    return 2;
  }
  const adminAuth = await setUpAdminAuth({
    config: result.config.engine?.http_admin?.auth,
    env: process.env,
    bind: adminBind,
    allowUnauthenticated: options.allowUnauthenticatedAdmin,
    clientCertificates: adminTls.tls?.clientCa !== undefined,
    logger,
  });
  if (!adminAuth.ok) {
    process.stderr.write(`otap-engine: ${adminAuth.message}\n`);
    return 2;
  }
  for (const warning of result.warnings) logger.warn({ path: warning.path }, `config: ${warning.message}`);
  const configuredLevel = result.config.engine?.telemetry?.logs?.level;
  if (telemetry.settings.levelFrom === 'cli' && configuredLevel !== undefined) {
    logger.info({ level: telemetry.logLevel, configured: configuredLevel }, '--log-level overrides engine.telemetry.logs.level');
  }
  const engine = new Engine({
    config: running.config,
    configSource: source,
    pipelines: running.pipelines,
    ...(running.written !== undefined ? { written: running.written } : {}),
    ...(state.kind === 'ready' ? { state: { store: state.store, stopped: state.stopped } } : {}),
    availableCores: cores,
    catalog,
    ...(coreAllocationOverride ? { coreAllocationOverride } : {}),
    adminBind,
    adminAuth: { source: adminAuth.source, tokenOrigin: adminAuth.tokenOrigin },
    ...(adminTls.tls !== undefined ? { adminTls: adminTls.tls } : {}),
    logger,
    adminLogger: supervisorLogger(telemetry, 'admin', options.logFormat),
    logLevel: telemetry.logLevel,
    logFormat: options.logFormat,
    telemetry,
  });
  const stopped = installSignalHandlers(engine, logger, SHUTDOWN_DRAIN_MS);
  try {
    await engine.start();
  } catch (error) {
    logger.fatal({ err: error }, 'engine failed to start');
    await engine.shutdown(Date.now() + 5000);
    return 1;
  }
  // A signal, or `POST /groups/shutdown` through the admin API (upstream's engine exits once it has drained).
  return Promise.race([stopped, engine.stopped]);
}

function formatWarnings(warnings: readonly ConfigWarning[]): string {
  return warnings.map((w) => `otap-engine: warning: ${w.path}: ${w.message}\n`).join('');
}

/** A supervisor logger writing where engine.telemetry.logs.providers sends `source` (the console by default). */
function supervisorLogger(telemetry: EngineTelemetry, source: 'global' | 'admin', format: LogFormat): Logger {
  const destination = telemetry.loggerDestination(source);
  const tap = telemetry.tapOf(source);
  return createLogger({ level: telemetry.logLevel, format, ...(destination ? { destination } : {}), ...(tap ? { tap } : {}) });
}
