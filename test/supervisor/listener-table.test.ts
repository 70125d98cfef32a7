// The listener table on real sockets: which target each accepted connection reaches, by core, across a cutover, while
// no target can take it, and when the pipeline's listeners close. Targets stand in for instances: each answers the
// connection it is handed with its name, so the client reads where it was routed.
import net from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ListenerSpec } from '../../src/pipeline/node.js';
import { ListenerTable, type ConnectionTarget } from '../../src/supervisor/listener-table.js';

const OWNER = 'default:main';
const HTTP: ListenerSpec = { id: 'in/http', protocol: 'http', address: '127.0.0.1:0' };
const GRPC: ListenerSpec = { id: 'in/grpc', protocol: 'grpc', address: '127.0.0.1:0' };
const logger = pino({ level: 'silent' });

class Target implements ConnectionTarget {
  ready = true;
  datagramShares = 0;
  constructor(
    readonly key: string,
    readonly generation: number,
    private readonly listeners: ListenerSpec[] = [HTTP],
  ) {}

  serves(listenerId: string, address: string): boolean {
    return this.listeners.some((l) => l.id === listenerId && l.address === address);
  }

  handOver(_listenerId: string, socket: net.Socket): boolean {
    if (!this.ready) return false;
    socket.end(this.key);
    return true;
  }

  shareDatagrams(): boolean {
    if (!this.ready) return false;
    this.datagramShares += 1;
    return true;
  }
}

/** Connects and reads until the other side closes: the name of the target that answered, or '' when none did. */
function ask(address: string): Promise<string> {
  const colon = address.lastIndexOf(':');
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: address.slice(0, colon), port: Number(address.slice(colon + 1)) });
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString('utf8')));
    socket.on('close', () => resolve(text));
    socket.on('error', (error) => ((error as NodeJS.ErrnoException).code === 'ECONNRESET' ? resolve(text) : reject(error)));
  });
}

/** Resolves once the table holds one more connection of OWNER: the client stays open, nothing is written to it yet. */
async function connectAndHold(address: string): Promise<{ answer: Promise<string> }> {
  const before = table.waiting(OWNER);
  const answer = ask(address);
  while (table.waiting(OWNER) === before) await new Promise((resolve) => setTimeout(resolve, 10));
  return { answer };
}

let table: ListenerTable;
afterEach(() => table?.close());

describe('ListenerTable', () => {
  it('spreads connections round robin over the targets routed to the cores, in core order', async () => {
    table = new ListenerTable({ logger });
    const address = await table.bind(OWNER, HTTP);
    table.cutOver(OWNER, 1, new Target('core1-gen1', 1));
    table.cutOver(OWNER, 0, new Target('core0-gen1', 1));
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await ask(address));
    expect(answers).toEqual(['core0-gen1', 'core1-gen1', 'core0-gen1', 'core1-gen1']);
  });

  it('cuts a core over to the generation it names: the old target gets no new connection', async () => {
    table = new ListenerTable({ logger });
    const address = await table.bind(OWNER, HTTP);
    table.cutOver(OWNER, 0, new Target('gen1', 1));
    expect(await ask(address)).toBe('gen1');
    table.cutOver(OWNER, 0, new Target('gen2', 2));
    expect(table.routing(OWNER).get(0)?.generation).toBe(2);
    expect([await ask(address), await ask(address)]).toEqual(['gen2', 'gen2']);
  });

  it('routes a listener only to targets whose config has it (generations with other addresses overlap safely)', async () => {
    table = new ListenerTable({ logger });
    const http = await table.bind(OWNER, HTTP);
    const grpc = await table.bind(OWNER, GRPC);
    table.cutOver(OWNER, 0, new Target('http-only', 1, [HTTP]));
    table.cutOver(OWNER, 1, new Target('both', 2, [HTTP, GRPC]));
    expect([await ask(grpc), await ask(grpc)]).toEqual(['both', 'both']);
    expect(new Set([await ask(http), await ask(http)])).toEqual(new Set(['http-only', 'both']));
  });

  it('holds connections while no core is routed, and hands them to the first target cut over', async () => {
    table = new ListenerTable({ logger });
    const address = await table.bind(OWNER, HTTP);
    table.cutOver(OWNER, 0, new Target('old', 1));
    table.withdraw(OWNER, 0);
    expect(table.routing(OWNER).size).toBe(0);
    const held = await connectAndHold(address);
    table.cutOver(OWNER, 0, new Target('new', 2));
    expect(await held.answer).toBe('new');
  });

  it('skips a routed target that cannot take connections yet, and hands it what waited once it resumes', async () => {
    table = new ListenerTable({ logger });
    const address = await table.bind(OWNER, HTTP);
    const restarting = new Target('restarted', 1);
    restarting.ready = false;
    table.cutOver(OWNER, 0, restarting);
    const held = await connectAndHold(address);
    restarting.ready = true;
    table.resume(OWNER);
    expect(await held.answer).toBe('restarted');
  });

  it('tries the next target when one refuses a hand-over', async () => {
    table = new ListenerTable({ logger });
    const address = await table.bind(OWNER, HTTP);
    const closed = new Target('closed', 1);
    closed.ready = false;
    table.cutOver(OWNER, 0, closed);
    table.cutOver(OWNER, 1, new Target('open', 1));
    expect([await ask(address), await ask(address)]).toEqual(['open', 'open']);
  });

  it('closes connections past the bound of those held, and those held past the wait timeout', async () => {
    table = new ListenerTable({ logger, maxWaiting: 1, waitTimeoutMs: 300 });
    const address = await table.bind(OWNER, HTTP);
    const first = await connectAndHold(address);
    expect(await ask(address)).toBe('');
    expect(table.waiting(OWNER)).toBe(1);
    expect(await first.answer).toBe('');
    expect(table.waiting(OWNER)).toBe(0);
    // Past the timeout the held connection was closed: a target routed now gets nothing of it, and new ones reach it.
    table.cutOver(OWNER, 0, new Target('late', 1));
    expect(await ask(address)).toBe('late');
  });

  it('closes the listeners of a pipeline but those it keeps, and keeps other pipelines out of it', async () => {
    table = new ListenerTable({ logger });
    const http = await table.bind(OWNER, HTTP);
    const grpc = await table.bind(OWNER, GRPC);
    const other = await table.bind('default:other', HTTP);
    table.cutOver(OWNER, 0, new Target('main', 1, [HTTP, GRPC]));
    table.cutOver('default:other', 0, new Target('other', 1));
    table.close(OWNER, [GRPC]);
    await expect(ask(http)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(await ask(grpc)).toBe('main');
    expect(await ask(other)).toBe('other');
    expect(table.boundAddresses(OWNER)).toEqual([{ id: GRPC.id, protocol: 'grpc', address: grpc }]);
  });

  it('shares a datagram socket with each routed target once, when it is ready', async () => {
    table = new ListenerTable({ logger });
    const udp: ListenerSpec = { id: 'syslog/udp', protocol: 'udp', address: '127.0.0.1:0' };
    await table.bind(OWNER, udp);
    const starting = new Target('gen1', 1, [udp]);
    starting.ready = false;
    table.cutOver(OWNER, 0, starting);
    expect(starting.datagramShares).toBe(0);
    starting.ready = true;
    table.resume(OWNER);
    table.resume(OWNER);
    expect(starting.datagramShares).toBe(1);
  });
});
