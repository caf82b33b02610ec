// Whom Find person looks up when it opens: a click on a person in the Run table chooses them, with
// the tenant profile their batch ran on (null when it ran without one).
import { makeChoice } from './choice';

export interface ChosenPerson {
  email: string;
  profile: string | null;
}

export const personChoice = makeChoice<ChosenPerson>();
