// Extensions inside one pipeline instance: built once, started before every node and stopped after every node, their
// capability objects handed to node factories when the graph is built; one that cannot start keeps the runtime from
// running and no node starts.
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { EffectiveExtension } from '../../src/config/effective.js';
import type { NodeCapabilities } from '../../src/extensions/capabilities.js';
import type { Extension, ExtensionFactory } from '../../src/extensions/extension.js';
import { ExtensionError } from '../../src/extensions/host.js';
import type { NodeFactory } from '../../src/pipeline/factory.js';
import { PipelineRuntime } from '../../src/pipeline/runtime.js';
import { edge, node, pipeline } from '../pipeline/helpers/pipeline.js';
import { ScriptedExporter, TestReceiver } from '../pipeline/helpers/test-nodes.js';

const silent = pino({ level: 'silent' });
const runtimes: PipelineRuntime[] = [];
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((r) => r.stop()));
});

class TestExtension implements Extension {
  readonly capabilities: NodeCapabilities;
  startError: Error | undefined;

  constructor(
    readonly name: string,
    private readonly timeline: string[],
  ) {
    this.capabilities = { bearer_token_provider: { token: async () => ({ value: `token-of-${name}` }) } };
  }

  async start(): Promise<void> {
    this.timeline.push(`${this.name}:start`);
    if (this.startError) throw this.startError;
  }

  async stop(): Promise<void> {
    this.timeline.push(`${this.name}:stop`);
  }
}

function setup(extensionNames: string[], bindings: Record<string, string>) {
  const timeline: string[] = [];
  const built: TestExtension[] = [];
  const received: Record<string, NodeCapabilities> = {};
  const nodes = { in: new TestReceiver(timeline), a: new ScriptedExporter(timeline), b: new ScriptedExporter(timeline) };
  const factory: NodeFactory = (name, _config, capabilities) => {
    received[name] = capabilities;
    const n = nodes[name as keyof typeof nodes];
    return n instanceof TestReceiver ? { kind: 'receiver', node: n } : { kind: 'exporter', node: n };
  };
  const extensionFactory: ExtensionFactory = (name) => {
    const ext = new TestExtension(name, timeline);
    built.push(ext);
    return ext;
  };
  const exporter = (name: string) => {
    const bound = bindings[name];
    const capabilities: Record<string, string> = bound ? { bearer_token_provider: bound } : {};
    return { ...node(name, 'exporter', 'test'), capabilities };
  };
  const config = {
    ...pipeline([node('in', 'receiver', 'test'), exporter('a'), exporter('b')], [edge('in', 'a'), edge('in', 'b')]),
    extensions: extensionNames.map((name): EffectiveExtension => ({ name, urn: 'urn:test:extension:fake', config: {} })),
  };
  const build = async () => {
    const runtime = await PipelineRuntime.build(config, {
      logger: silent,
      resolveFactory: async (urn) => (urn.endsWith(':test') ? factory : undefined),
      resolveExtension: async (urn) => (urn === 'urn:test:extension:fake' ? extensionFactory : undefined),
    });
    runtimes.push(runtime);
    return runtime;
  };
  return { timeline, built, received, build };
}

describe('extensions in the pipeline runtime', () => {
  it('builds each extension once and hands the same capability object to every node that binds it', async () => {
    const t = setup(['shared', 'other'], { a: 'shared', b: 'shared' });
    await t.build();
    expect(t.built.map((e) => e.name)).toEqual(['shared', 'other']);
    const provider = t.built[0]!.capabilities.bearer_token_provider;
    expect(t.received.a?.bearer_token_provider).toBe(provider);
    expect(t.received.b?.bearer_token_provider).toBe(provider);
    expect(t.received.in).toEqual({});
  });

  it('gives nodes bound to different extensions of one type different providers', async () => {
    const t = setup(['one', 'two'], { a: 'one', b: 'two' });
    await t.build();
    expect(await t.received.a?.bearer_token_provider?.token()).toEqual({ value: 'token-of-one' });
    expect(await t.received.b?.bearer_token_provider?.token()).toEqual({ value: 'token-of-two' });
  });

  it('starts extensions before exporters and stops them after every node', async () => {
    const t = setup(['ext'], { a: 'ext' });
    const runtime = await t.build();
    await runtime.start();
    expect(t.timeline[0]).toBe('ext:start');
    expect(t.timeline.slice(1).sort()).toEqual(['a:start', 'b:start', 'in:start'].sort());
    await runtime.drain(Date.now() + 5000);
    const stops = t.timeline.filter((e) => e.endsWith(':stop'));
    expect(stops[0]).toBe('in:stop');
    expect(stops.slice(1, 3).sort()).toEqual(['a:stop', 'b:stop']);
    expect(stops.slice(3)).toEqual(['ext:stop']);
  });

  it('does not run when an extension cannot start: no node starts, the extension error names it', async () => {
    const t = setup(['broken', 'fine'], { a: 'broken' });
    const runtime = await t.build();
    t.built[0]!.startError = new Error('token endpoint down');
    const error = await runtime.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExtensionError);
    expect((error as Error).message).toBe('extension "broken" (urn:test:extension:fake) failed to start: token endpoint down');
    expect(t.timeline.filter((e) => e.endsWith(':start')).sort()).toEqual(['broken:start', 'fine:start']);
    expect(t.timeline.filter((e) => e.endsWith(':stop')).sort()).toEqual(['broken:stop', 'fine:stop']);
    expect(runtime.state).toBe('stopped');
  });
});
