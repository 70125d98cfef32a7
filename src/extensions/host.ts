// The extensions of one pipeline instance: built once from the factory registry by URN, started (all at once) before
// any node, stopped after every node. Nodes get their capabilities from here once, when the graph is built.
import type { Logger } from 'pino';
import type { EffectiveExtension, EffectiveNode } from '../config/effective.js';
import { settlesBefore } from '../util/deadline.js';
import { isCapabilityName, type NodeCapabilities } from './capabilities.js';
import type { Extension, ExtensionFactory } from './extension.js';
import { extensionImplementations } from './implementations.js';

/** Returns the factory for a URN, or undefined to fall back to the built-in registry. */
export type ExtensionResolver = (urn: string) => Promise<ExtensionFactory | undefined>;

export class ExtensionError extends Error {
  constructor(
    readonly extension: string,
    readonly urn: string,
    phase: 'build' | 'start',
    cause: unknown,
  ) {
    super(`extension "${extension}" (${urn}) failed to ${phase}: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = 'ExtensionError';
  }
}

interface Built {
  spec: EffectiveExtension;
  extension: Extension;
  started: boolean;
}

export class ExtensionHost {
  private stopping: Promise<string[]> | undefined;

  private constructor(
    private readonly built: ReadonlyMap<string, Built>,
    private readonly logger: Logger,
  ) {}

  static async build(specs: readonly EffectiveExtension[], logger: Logger, resolve?: ExtensionResolver): Promise<ExtensionHost> {
    const entries = await Promise.all(
      specs.map(async (spec): Promise<[string, Built]> => {
        try {
          const factory = (await resolve?.(spec.urn)) ?? (await loadFromRegistry(spec.urn));
          return [spec.name, { spec, extension: factory(spec.name, spec.config), started: false }];
        } catch (error) {
          throw new ExtensionError(spec.name, spec.urn, 'build', error);
        }
      }),
    );
    return new ExtensionHost(new Map(entries), logger);
  }

  /**
   * The capability objects `node` binds, resolved once. The config was validated by the supervisor; a binding that
   * does not resolve here means the instance runs other code than the supervisor checked against, and fails the build.
   */
  capabilitiesFor(node: EffectiveNode): NodeCapabilities {
    const out: NodeCapabilities = {};
    for (const [capability, name] of Object.entries(node.capabilities)) {
      const provided = this.built.get(name)?.extension.capabilities;
      if (!isCapabilityName(capability) || provided?.[capability] === undefined) {
        throw new Error(`node "${node.name}": capability ${capability} -> extension "${name}" does not resolve`);
      }
      (out as Record<string, unknown>)[capability] = provided[capability];
    }
    return out;
  }

  /** Starts every extension at once; resolves when all are ready, rejects with the first failure (by config order). */
  async start(): Promise<void> {
    const results = await Promise.allSettled(
      [...this.built.values()].map(async (entry) => {
        entry.started = true;
        const logger = this.logger.child({ extension: entry.spec.name });
        try {
          await entry.extension.start({ name: entry.spec.name, logger });
        } catch (error) {
          throw new ExtensionError(entry.spec.name, entry.spec.urn, 'start', error);
        }
        logger.debug('extension ready');
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Stops every extension whose start was attempted, once; returns those that had not stopped by `untilMs`. */
  stop(untilMs: number): Promise<string[]> {
    this.stopping ??= (async () => {
      const entries = [...this.built.values()].filter((e) => e.started);
      const stopped = new Set<string>();
      const stops = entries.map((e) =>
        Promise.resolve()
          .then(() => e.extension.stop())
          .catch((error: unknown) => this.logger.warn({ err: error, extension: e.spec.name }, 'extension failed to stop'))
          .finally(() => stopped.add(e.spec.name)),
      );
      await settlesBefore(Promise.all(stops), untilMs);
      return entries.filter((e) => !stopped.has(e.spec.name)).map((e) => `extension:${e.spec.name}`);
    })();
    return this.stopping;
  }
}

async function loadFromRegistry(urn: string): Promise<ExtensionFactory> {
  const load = extensionImplementations[urn];
  if (!load) throw new Error(`unknown extension type ${urn}`);
  return load();
}
