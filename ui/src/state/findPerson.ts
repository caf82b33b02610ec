// Whom Find person looks up when it opens: a click on a person in the Run table chooses them.
import { makeChoice } from './choice';

export const personChoice = makeChoice<string>();
