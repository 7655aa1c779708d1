import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';

/** A fresh temp directory; call the returned cleanup in afterEach. */
export function tempDir(prefix = 'switchboard-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** A clock the test moves by hand. */
export function fakeClock(start = Date.UTC(2026, 10, 23, 9, 0, 0)): { now: () => number; advance: (ms: number) => void; set: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms), set: (ms) => void (t = ms) };
}
