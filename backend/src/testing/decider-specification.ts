import type { StoredEventShape } from '@teleplay/contracts';
import { expect } from 'vitest';
import type { Decider } from '../commands/decider.ts';
import { DomainError, type Refusal } from '../commands/domain-error.ts';

/**
 * Given/when/then for a decider, the three questions asked of every command: which events it
 * produces (`then`), which exact refusal it meets (`thenThrows`), and when it does nothing
 * (`thenNothingHappened`).
 *
 *   const given = DeciderSpecification.for(libraryDecider);
 *   given([folderCreated]).when(renameFolder).then([folderRenamed]);
 */
export const DeciderSpecification = {
  for<State, Command, Event extends StoredEventShape>(decider: Decider<State, Command, Event>) {
    const fold = (state: State, events: readonly Event[]): State =>
      events.reduce((current, event) => decider.evolve(current, event), state);

    return (givenEvents: readonly Event[] = []) => ({
      when(command: Command) {
        const givenState = () => fold(decider.initialState(), givenEvents);
        return {
          /** The command produces exactly these events, each valid against the catalogue and foldable. */
          // biome-ignore lint/suspicious/noThenProperty: given/when/then is the point; this object is never awaited.
          then(expected: readonly Event[]): void {
            const state = givenState();
            const events = decider.decide(command, state);
            expect(events).toEqual(expected);
            fold(
              state,
              events.map((event) => decider.parseEvent(event)),
            );
          },
          /** The command is refused with exactly this refusal. */
          thenThrows(expected: Refusal): void {
            let events: Event[];
            try {
              events = decider.decide(command, givenState());
            } catch (error) {
              if (!(error instanceof DomainError)) throw error;
              expect(error.refusal).toEqual(expected);
              return;
            }
            expect.fail(
              `expected refusal ${expected.code}, but the command produced ${JSON.stringify(events)}`,
            );
          },
          /** The command is accepted and there is nothing to record. */
          thenNothingHappened(): void {
            expect(decider.decide(command, givenState())).toEqual([]);
          },
        };
      },
    });
  },
};
