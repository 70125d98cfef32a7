// Every lifecycle of the control plane (an instance's phase, a pipeline, a core's recovery, a rollout and its cores, a
// shutdown and its cores, the engine itself) is one transition table of this form: for each state, the events it
// accepts and the state each one leads to. A table has one writer, and a move the table lacks is that writer's bug:
// refused (the state stays as it was) and reported, never thrown at whoever happened to trigger it.

export type TransitionTable<S extends string, E extends string> = Readonly<Record<S, Readonly<Partial<Record<E, S>>>>>;

export type Move<S extends string, E extends string> = { kind: 'moved'; from: S; to: S } | { kind: 'refused'; from: S; event: E };

/** Looks `event` up in `table` from state `from`. Pure: deciding a move and applying it are separate. */
export function move<S extends string, E extends string>(table: TransitionTable<S, E>, from: S, event: E): Move<S, E> {
  const to = table[from][event];
  return to === undefined ? { kind: 'refused', from, event } : { kind: 'moved', from, to };
}

/** A move its table refused: which machine, whose, from where, on what. */
export interface IllegalMove {
  machine: string;
  /** Which one of its kind (an instance key, a pipeline key, `rollout-3 core 1`). */
  subject: string;
  from: string;
  event: string;
}

export type BugReporter = (bug: IllegalMove) => void;

/** The one writable copy of a lifecycle's state: it changes only through `apply`, and only as the table allows. */
export class StateMachine<S extends string, E extends string> {
  private current: S;

  constructor(
    private readonly machine: string,
    private readonly subject: string,
    private readonly table: TransitionTable<S, E>,
    initial: S,
    private readonly reportBug: BugReporter,
  ) {
    this.current = initial;
  }

  get state(): S {
    return this.current;
  }

  /** The move `event` makes now; a refused one is reported and changes nothing. */
  apply(event: E): Move<S, E> {
    const result = move(this.table, this.current, event);
    if (result.kind === 'refused') this.reportBug({ machine: this.machine, subject: this.subject, from: result.from, event: result.event });
    else this.current = result.to;
    return result;
  }
}

/** The reporter of a running engine: one error line per refused move, which tests and operators can search for. */
export function logIllegalMoves(logger: { error(fields: object, message: string): void }): BugReporter {
  return (bug) => logger.error({ ...bug }, `illegal ${bug.machine} transition (bug)`);
}
