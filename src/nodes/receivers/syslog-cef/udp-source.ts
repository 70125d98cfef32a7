// Syslog over UDP: one datagram is one message (cut at MAX_MESSAGE_SIZE, as upstream's receive buffer cuts it). The
// socket is this instance's descriptor of the supervisor's one bound socket, shared with every serving instance: the
// kernel hands each datagram to one reader. Batches go on with `tryEmit`; when the pipeline is full a batch is dropped
// and counted (UDP has no way to slow the sender). Drain stops reading at once (datagrams not read stay queued for the
// other instances) and hands on the batch it holds.
import type { Socket as DatagramSocket } from 'node:dgram';
import type { NodeContext } from '../../../pipeline/node.js';
import { RecordBatch, type BatchSettings } from './batch.js';
import { MAX_MESSAGE_SIZE, type SyslogIntake } from './intake.js';

export class SyslogUdpSource {
  private readonly batch: RecordBatch;
  private closed = false;

  constructor(
    private readonly socket: DatagramSocket,
    private readonly ctx: NodeContext,
    private readonly intake: SyslogIntake,
    settings: BatchSettings,
  ) {
    this.batch = new RecordBatch(settings, () => this.flush(false));
    socket.on('message', (datagram: Buffer) => this.receive(datagram));
    socket.on('error', (error) => ctx.logger.warn({ err: error }, 'syslog UDP socket error'));
  }

  /** Stops reading and hands on the batch, waiting for room downstream until `deadlineMs`. */
  async drain(deadlineMs: number): Promise<void> {
    this.stopReading();
    const pdata = this.batch.take(false);
    if (pdata === undefined) return;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => (timer = setTimeout(() => resolve('expired'), Math.max(0, deadlineMs - Date.now()))));
    try {
      const outcome = await Promise.race([this.ctx.emit(pdata), expired]);
      if (outcome === 'expired') this.intake.forwardFailed(pdata.items, 'drain deadline passed');
      else this.intake.forwarded(pdata.items);
    } catch (error) {
      this.intake.forwardFailed(pdata.items, (error as Error).message);
    } finally {
      clearTimeout(timer);
    }
  }

  stop(): void {
    this.stopReading();
    this.batch.close();
  }

  private receive(datagram: Buffer): void {
    if (this.closed) return;
    // A datagram filling the whole buffer was probably cut by it: upstream counts that one as truncated too.
    const truncated = datagram.length >= MAX_MESSAGE_SIZE;
    const record = this.intake.admit(truncated ? datagram.subarray(0, MAX_MESSAGE_SIZE) : datagram, truncated);
    if (record === undefined) return;
    this.batch.add(record);
    if (this.batch.full) this.flush(true);
  }

  private flush(bySize: boolean): void {
    const pdata = this.batch.take(bySize);
    if (pdata === undefined) return;
    if (this.ctx.tryEmit(pdata)) this.intake.forwarded(pdata.items);
    else this.intake.forwardFailed(pdata.items, 'downstream full');
  }

  private stopReading(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.socket.close();
    } catch {
      // Already closed.
    }
  }
}
