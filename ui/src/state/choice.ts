// A value one screen chooses and another reads when it opens (which batch Follow-up shows, whom
// Find person looks up), outside React so choosing and navigating can happen in one click.
type Listener = () => void;

export interface Choice<T> {
  subscribe(listener: Listener): () => void;
  getSnapshot(): T | null;
  choose(value: T | null): void;
}

export function makeChoice<T>(): Choice<T> {
  let chosen: T | null = null;
  const listeners = new Set<Listener>();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    getSnapshot: () => chosen,
    choose(value) {
      chosen = value;
      listeners.forEach((listener) => listener());
    },
  };
}
