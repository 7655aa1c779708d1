// Store writes leave the routing path: they run right after the current event is handled
// (setImmediate, in order), so the originate that rings an agent is on the wire before SQLite is
// touched. Measured (bench/acd-latency.ts): journal and state writes before the originate cost
// 0.5 ms per offer, and a WAL checkpoint landing in one of them 5-12 ms.
export interface WriteBehind {
  later(write: () => void): void;
  /** Runs what is pending now (shutdown). */
  flush(): void;
}

export function createWriteBehind(onError: (err: unknown) => void): WriteBehind {
  const pending: (() => void)[] = [];
  let scheduled: NodeJS.Immediate | null = null;
  const run = () => {
    scheduled = null;
    for (const write of pending.splice(0)) {
      try {
        write();
      } catch (err) {
        onError(err);
      }
    }
  };
  return {
    later(write) {
      pending.push(write);
      scheduled ??= setImmediate(run);
    },
    flush() {
      if (scheduled) clearImmediate(scheduled);
      run();
    },
  };
}
