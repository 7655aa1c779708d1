import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mediaChecker } from '../../../src/adapters/flows/media-files.js';

describe('mediaChecker', () => {
  afterEach(() => vi.useRealTimers());

  it('given a sound file added after a first check, when checked again a second later, then it is found (a running server sees new prompts on reload)', () => {
    vi.useFakeTimers({ now: 0 });
    const sounds = mkdtempSync(join(tmpdir(), 'sounds-'));
    const exists = mediaChecker(sounds, null);
    expect(exists('sound:switchboard/welcome')).toBe(false);
    writeFileSync(join(sounds, 'welcome.wav'), '');
    vi.setSystemTime(1500);
    expect(exists('sound:switchboard/welcome')).toBe(true);
  });

  it('given no Asterisk sounds directory, when an Asterisk sound is checked, then the answer is unknown, not missing', () => {
    expect(mediaChecker(mkdtempSync(join(tmpdir(), 'sounds-')), null)('sound:hello-world')).toBeUndefined();
  });
});
