// What happened to people, in the words the CLI, History and the results export use too: the
// tables come from Rust (generated bindings), so no screen invents its own.
import type { DeliveredAs, PersonState } from './generated/bindings';
import { DELIVERED_WORDS, STATE_WORDS } from './generated/bindings';

/** A person's state in words: `delivered` reads as what delivering was for their batch. */
export function stateWords(state: PersonState, deliveredAs: DeliveredAs | null | undefined): string {
  if (state === 'delivered' && deliveredAs) return DELIVERED_WORDS[deliveredAs];
  return STATE_WORDS[state];
}

/** "12 written to outbox, 2 failed, 3 not started", in the state machine's order. */
export function countsInWords(
  counts: Partial<Record<PersonState, number>>,
  deliveredAs: DeliveredAs | null | undefined,
): string {
  return (Object.keys(STATE_WORDS) as PersonState[])
    .filter((state) => (counts[state] ?? 0) > 0)
    .map((state) => `${counts[state] ?? 0} ${stateWords(state, deliveredAs)}`)
    .join(', ');
}
