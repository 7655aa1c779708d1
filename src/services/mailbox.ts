export interface Mailbox {
  /** Queues work; it runs after everything posted before it, never concurrently with it. */
  post(task: () => Promise<unknown> | unknown): void;
  idle(): Promise<void>;
}

// One mailbox per call: events for a call are handled strictly in order while calls run in
// parallel. A failing task is reported and does not block the ones after it.
export function createMailbox(onError: (err: unknown) => void): Mailbox {
  let tail: Promise<void> = Promise.resolve();
  return {
    post(task) {
      tail = tail.then(task).then(
        () => undefined,
        (err: unknown) => onError(err),
      );
    },
    idle: () => tail,
  };
}
