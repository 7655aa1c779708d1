import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

// The validator proves a prompt's file exists before a caller would hear silence. Our own sounds
// (file:NAME → sound:switchboard/NAME) are checked in sounds/; Asterisk's are checked only where
// its sounds directory is visible to us (it is not when Asterisk runs elsewhere).
const EXTENSIONS = ['wav', 'WAV', 'gsm', 'ulaw', 'alaw', 'sln', 'sln16', 'g722', 'g729'];

export function mediaChecker(soundsDir: string, asteriskSoundsDir: string | null): (uri: string) => boolean | undefined {
  const listings = new Map<string, Set<string>>();
  const has = (root: string, name: string) => {
    const dir = join(root, dirname(name));
    let files = listings.get(dir);
    if (!files) {
      files = new Set(existsSync(dir) ? readdirSync(dir) : []);
      listings.set(dir, files);
    }
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
