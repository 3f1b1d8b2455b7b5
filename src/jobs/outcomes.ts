/**
 * What became of each attempt this process ran, for whoever watches (the metrics in src/operations): the runner
 * reports, and knows nothing of who listens.
 */
export type JobOutcome = 'done' | 'retry' | 'dead';

type Listener = (type: string, outcome: JobOutcome) => void;

const listeners = new Set<Listener>();

/** Calls `listener` after every attempt; the function returned stops it. */
export function onJobOutcome(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function reportJobOutcome(type: string, outcome: JobOutcome): void {
  for (const listener of listeners) {
    try {
      listener(type, outcome);
    } catch {
      // A watcher's failure never touches the job.
    }
  }
}
