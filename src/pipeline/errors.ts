// Errors that name the node they came from, so the instance can report `node` to the supervisor and an operator reads
// which node of which type failed without digging through logs.

export type NodePhase = 'build' | 'start';

export class NodeError extends Error {
  readonly node: string;
  readonly urn: string;
  readonly phase: NodePhase;

  constructor(node: string, urn: string, phase: NodePhase, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`node "${node}" (${urn}) failed to ${phase}: ${reason}`, { cause });
    this.name = 'NodeError';
    this.node = node;
    this.urn = urn;
    this.phase = phase;
  }
}
