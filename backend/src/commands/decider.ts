import type { StoredEventShape } from '@teleplay/contracts';

/**
 * The business rules of one aggregate as pure functions (emmett's decider): `decide` answers a
 * command with the events it causes (an empty list when there is nothing to do) or throws a
 * `DomainError`; `evolve` folds an event into the state. Neither reads a clock, generates an id or
 * does I/O: all of that arrives in the command.
 */
export interface Decider<State, Command, Event extends StoredEventShape> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
  /** Reads a stored event back (upcast and validated); also validates events before they are appended. */
  parseEvent(stored: StoredEventShape): Event;
}

/** A command: an imperative `type` and the data the decision needs. */
export type Command<Type extends string, Data> = { readonly type: Type; readonly data: Data };
