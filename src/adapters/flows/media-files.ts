import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

// The validator proves a prompt's file exists before a caller would hear silence. Our own sounds
// (file:NAME → sound:switchboard/NAME) are checked in sounds/; Asterisk's are checked only where
// its sounds directory is visible to us (it is not when Asterisk runs elsewhere).
const EXTENSIONS = ['wav', 'WAV', 'gsm', 'ulaw', 'alaw', 'sln', 'sln16', 'g722', 'g729'];

// A listing is reused for a second: one reload checks hundreds of prompts against a few
// directories, and a sound file added later is seen by the next reload of a long-running server.
const LISTING_TTL_MS = 1000;

export function mediaChecker(soundsDir: string, asteriskSoundsDir: string | null): (uri: string) => boolean | undefined {
  const listings = new Map<string, { files: Set<string>; at: number }>();
  const has = (root: string, name: string) => {
    const dir = join(root, dirname(name));
    let listing = listings.get(dir);
    if (!listing || Date.now() - listing.at > LISTING_TTL_MS) {
      listing = { files: new Set(existsSync(dir) ? readdirSync(dir) : []), at: Date.now() };
      listings.set(dir, listing);
    }
    const files = listing.files;
    const base = basename(name);
    return EXTENSIONS.some((ext) => files.has(`${base}.${ext}`));
  };
  const asterisk = asteriskSoundsDir && existsSync(asteriskSoundsDir) ? asteriskSoundsDir : null;
  return (uri) => {
    if (!uri.startsWith('sound:')) return undefined;
    const name = uri.slice('sound:'.length);
    if (name.startsWith('switchboard/')) return has(soundsDir, name.slice('switchboard/'.length));
    return asterisk ? has(asterisk, name) : undefined;
  };
}

/** Where the chroot built by scripts/asterisk.sh keeps the English sounds, when it exists. */
export function defaultAsteriskSoundsDir(): string | null {
  const candidates = ['/var/lib/switchboard/asterisk-root/usr/share/asterisk/sounds/en_US_f_Allison', '/usr/share/asterisk/sounds/en_US_f_Allison', '/usr/share/asterisk/sounds/en'];
  return candidates.find((dir) => existsSync(join(dir, 'digits'))) ?? null;
}
