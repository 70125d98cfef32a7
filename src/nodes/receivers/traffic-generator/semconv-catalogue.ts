// The engine's built-in snapshot of the OpenTelemetry semantic conventions, for `data_source: semantic_conventions`:
// upstream resolves the registry from a git repository at start; this engine fetches nothing, so it carries a small
// subset of the official registry's span, metric and event groups (names, kinds, units, attributes with example
// values) and generates from it. Each attribute lists example values; record i takes example i modulo their number.

export type Example = string | number | boolean | { double: number };
export type CatalogueAttribute = readonly [name: string, ...examples: Example[]];

export interface SpanGroup {
  id: string;
  kind: 'client' | 'server' | 'producer' | 'consumer' | 'internal';
  attributes: readonly CatalogueAttribute[];
  events: readonly string[];
}

export interface MetricGroup {
  name: string;
  instrument: 'counter' | 'updowncounter' | 'gauge' | 'histogram';
  unit: string;
  brief: string;
  attributes: readonly CatalogueAttribute[];
}

export interface EventGroup {
  name: string;
  attributes: readonly CatalogueAttribute[];
}

export const SNAPSHOT_NAME = 'a built-in subset of semantic conventions 1.34: 7 span, 12 metric and 6 event groups';

const METHOD: CatalogueAttribute = ['http.request.method', 'GET', 'POST', 'GET', 'PUT', 'DELETE'];
const STATUS: CatalogueAttribute = ['http.response.status_code', 200, 200, 201, 404, 500];
const SERVER: CatalogueAttribute = ['server.address', 'api.example.com', 'orders.internal', '10.1.2.80'];

export const SPAN_GROUPS: readonly SpanGroup[] = [
  {
    id: 'span.http.client',
    kind: 'client',
    attributes: [METHOD, SERVER, ['server.port', 443, 80, 8080], ['url.full', 'https://api.example.com/v1/orders?page=2'], STATUS, ['network.protocol.version', '1.1', '2']],
    events: [],
  },
  {
    id: 'span.http.server',
    kind: 'server',
    attributes: [METHOD, ['url.path', '/v1/orders', '/v1/users/42'], ['url.scheme', 'https', 'http'], ['http.route', '/v1/orders', '/v1/users/{id}'], STATUS, ['client.address', '192.0.2.15'], ['user_agent.original', 'curl/8.5.0']],
    events: [],
  },
  {
    id: 'span.db.client',
    kind: 'client',
    attributes: [['db.system.name', 'postgresql', 'mysql'], ['db.namespace', 'shop'], ['db.operation.name', 'SELECT', 'INSERT'], ['db.collection.name', 'orders', 'customers'], ['db.query.text', 'SELECT id FROM orders WHERE customer_id = ?'], SERVER, ['server.port', 5432]],
    events: [],
  },
  {
    id: 'span.rpc.client',
    kind: 'client',
    attributes: [['rpc.system', 'grpc'], ['rpc.service', 'shop.OrderService'], ['rpc.method', 'GetOrder', 'ListOrders'], ['rpc.grpc.status_code', 0, 0, 5], SERVER],
    events: [],
  },
  {
    id: 'span.rpc.server',
    kind: 'server',
    attributes: [['rpc.system', 'grpc'], ['rpc.service', 'shop.OrderService'], ['rpc.method', 'GetOrder', 'ListOrders'], ['rpc.grpc.status_code', 0]],
    events: [],
  },
  {
    id: 'span.messaging.producer',
    kind: 'producer',
    attributes: [['messaging.system', 'kafka', 'rabbitmq'], ['messaging.operation.name', 'send', 'publish'], ['messaging.destination.name', 'orders', 'payments'], ['messaging.message.id', '4e0c2c8f-77a1-4b4c-9f5a-36c9c3c0a001']],
    events: [],
  },
  {
    id: 'span.gen_ai.client',
    kind: 'client',
    attributes: [['gen_ai.operation.name', 'chat'], ['gen_ai.system', 'openai'], ['gen_ai.request.model', 'gpt-4o'], ['gen_ai.usage.input_tokens', 120, 48], ['gen_ai.usage.output_tokens', 300, 96]],
    events: ['gen_ai.content.prompt', 'gen_ai.content.completion'],
  },
];

export const METRIC_GROUPS: readonly MetricGroup[] = [
  { name: 'http.server.request.duration', instrument: 'histogram', unit: 's', brief: 'How long HTTP server requests took.', attributes: [METHOD, ['url.scheme', 'https'], ['http.route', '/v1/orders'], STATUS] },
  { name: 'http.client.request.duration', instrument: 'histogram', unit: 's', brief: 'How long HTTP client requests took.', attributes: [METHOD, SERVER, STATUS] },
  { name: 'http.server.active_requests', instrument: 'updowncounter', unit: '{request}', brief: 'HTTP server requests in progress.', attributes: [METHOD, ['url.scheme', 'https']] },
  { name: 'db.client.operation.duration', instrument: 'histogram', unit: 's', brief: 'How long database operations took.', attributes: [['db.system.name', 'postgresql'], ['db.operation.name', 'SELECT']] },
  { name: 'rpc.server.duration', instrument: 'histogram', unit: 'ms', brief: 'How long inbound RPCs took.', attributes: [['rpc.system', 'grpc'], ['rpc.method', 'GetOrder']] },
  { name: 'messaging.client.sent.messages', instrument: 'counter', unit: '{message}', brief: 'Messages a producer sent.', attributes: [['messaging.system', 'kafka'], ['messaging.destination.name', 'orders']] },
  { name: 'system.cpu.time', instrument: 'counter', unit: 's', brief: 'CPU time spent, by mode.', attributes: [['cpu.mode', 'user', 'system', 'idle']] },
  { name: 'system.memory.usage', instrument: 'updowncounter', unit: 'By', brief: 'Memory in use, by state.', attributes: [['system.memory.state', 'used', 'free', 'cached']] },
  { name: 'process.cpu.utilization', instrument: 'gauge', unit: '1', brief: 'Share of CPU the process used.', attributes: [['cpu.mode', 'user', 'system']] },
  { name: 'jvm.thread.count', instrument: 'updowncounter', unit: '{thread}', brief: 'Live JVM threads.', attributes: [['jvm.thread.daemon', true, false], ['jvm.thread.state', 'runnable', 'blocked']] },
  { name: 'container.cpu.usage', instrument: 'gauge', unit: '{cpu}', brief: 'CPUs the container used.', attributes: [['cpu.mode', 'user']] },
  { name: 'gen_ai.client.token.usage', instrument: 'histogram', unit: '{token}', brief: 'Tokens used per model call.', attributes: [['gen_ai.operation.name', 'chat'], ['gen_ai.system', 'openai'], ['gen_ai.token.type', 'input', 'output']] },
];

export const EVENT_GROUPS: readonly EventGroup[] = [
  { name: 'exception', attributes: [['exception.type', 'java.net.ConnectException', 'OSError'], ['exception.message', 'Connection refused'], ['exception.stacktrace', 'at com.example.Shop.order(Shop.java:42)']] },
  { name: 'device.app.lifecycle', attributes: [['ios.app.state', 'active', 'inactive', 'background', 'foreground', 'terminate'], ['android.app.state', 'created', 'background', 'foreground']] },
  { name: 'gen_ai.client.inference.operation.details', attributes: [['gen_ai.operation.name', 'chat'], ['gen_ai.system', 'openai', 'anthropic'], ['gen_ai.request.model', 'gpt-4o']] },
  { name: 'session.start', attributes: [['session.id', '00112233-4455-6677-8899-aabbccddeeff'], ['session.previous_id', '0a0b0c0d-4455-6677-8899-aabbccddeeff']] },
  { name: 'session.end', attributes: [['session.id', '00112233-4455-6677-8899-aabbccddeeff']] },
  { name: 'feature_flag.evaluation', attributes: [['feature_flag.key', 'new-checkout'], ['feature_flag.provider.name', 'flagd'], ['feature_flag.result.variant', 'on', 'off']] },
];

const OFFICIAL_GIT = /^https:\/\/github\.com\/open-telemetry\/semantic-conventions(\.git)?(@[^[\]\s]+)?(\[[^\]]*\])?$/;
const OFFICIAL_ARCHIVE = /^https:\/\/github\.com\/open-telemetry\/semantic-conventions\/(archive|releases\/download)\/\S+\.(zip|tar\.gz)(\[[^\]]*\])?$/;

/** The official registry, as a git repository (any refspec, any sub-folder) or one of its release archives. */
export function isOfficialRegistry(path: string): boolean {
  return OFFICIAL_GIT.test(path) || OFFICIAL_ARCHIVE.test(path);
}
