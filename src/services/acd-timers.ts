// The engine asks for timers at absolute times; this keeps the Node timers behind them.
export interface AcdTimers {
  start(timerId: string, at: number): void;
  cancel(timerId: string): void;
  clear(): void;
}

export function createAcdTimers(now: () => number, fire: (timerId: string) => void): AcdTimers {
  const timers = new Map<string, NodeJS.Timeout>();
  return {
    start(timerId, at) {
      clearTimeout(timers.get(timerId));
      timers.set(
        timerId,
        setTimeout(() => {
          timers.delete(timerId);
          fire(timerId);
        }, Math.max(0, at - now())),
      );
    },
    cancel(timerId) {
      clearTimeout(timers.get(timerId));
      timers.delete(timerId);
    },
    clear() {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}
