import { watch } from 'chokidar';

// Editors save by writing a temp file and renaming it, often in bursts; wait for the directory to
// settle, then reload everything once (the catalog keeps last good versions of broken files).
export function watchFlows(dir: string, onChange: () => void, debounceMs = 250): { close(): Promise<void> } {
  let timer: NodeJS.Timeout | null = null;
  const watcher = watch(dir, { ignoreInitial: true, awaitWriteFinish: { stabilityThreshold: 100, pollInterval: 25 }, depth: 2 });
  watcher.on('all', () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      onChange();
    }, debounceMs);
  });
  return {
    close: async () => {
      if (timer) clearTimeout(timer);
      await watcher.close();
    },
  };
}
