// Which batch the Follow-up screen shows: History, the Run screen and the launch's "reminders are
// due" notice choose it, the screen reads it.
type Listener = () => void;

let chosen: string | null = null;
const listeners = new Set<Listener>();

export const followUpChoice = {
  subscribe(listener: Listener) {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  },
  getSnapshot: (): string | null => chosen,
  choose(batchId: string | null) {
    chosen = batchId;
    listeners.forEach((listener) => listener());
  },
};
