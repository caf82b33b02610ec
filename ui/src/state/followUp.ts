// Which batch the Follow-up screen shows: History, the Run screen and the launch's "reminders are
// due" notice choose it, the screen reads it.
import { makeChoice } from './choice';

export const followUpChoice = makeChoice<string>();
