import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRecordingFiles } from '../../../src/adapters/recordings/recording-files.js';
import { wavDurationMs } from '../../../src/adapters/recordings/wav-duration.js';
import type { RecordingFiles } from '../../../src/ports/recording-files.js';
import { tempDir } from '../support/helpers.js';
import { wavBytes as wav } from '../support/wav.js';


async function* chunks(buf: Buffer, size = 1000): AsyncIterable<Uint8Array> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

const sha256 = (buf: Buffer) => createHash('sha256').update(buf).digest('hex');
const STARTED = Date.UTC(2026, 10, 3, 23, 59, 30);

describe('recording files under one directory', () => {
  let root: string;
  let cleanup: () => void;
  let files: RecordingFiles;

  beforeEach(() => {
    ({ dir: root, cleanup } = tempDir());
    files = createRecordingFiles(join(root, 'recordings'));
  });
  afterEach(() => cleanup());

  it('given a 2.5 s WAV streamed in chunks, when saved, then it lies under YYYY/MM/DD/<id>.wav (UTC) with its hash, size and duration, and no temp file is left', async () => {
    const audio = wav(40_000);
    const saved = await files.save('rec-1', STARTED, chunks(audio));
    expect(saved).toEqual({ file: '2026/11/03/rec-1.wav', sizeBytes: audio.length, sha256: sha256(audio), durationMs: 2500 });
    const path = join(root, 'recordings', '2026/11/03/rec-1.wav');
    expect(readFileSync(path).equals(audio)).toBe(true);
    expect(readdirSync(join(root, 'recordings', '2026/11/03'))).toEqual(['rec-1.wav']);
    await expect(files.resolve(saved.file)).resolves.toEqual({ path, sizeBytes: audio.length });
  });

  it.each(['../escape', 'a/b', 'rec 1', '', 'x'.repeat(129), 'rec.1'])('given the id %j, when saved, then it is refused and nothing is written', async (id) => {
    await expect(files.save(id, STARTED, chunks(wav(100)))).rejects.toThrow(/not a recording id/);
    expect(existsSync(join(root, 'recordings'))).toBe(false);
  });

  it('given an audio stream that breaks half-way, when saved, then it rejects and neither the file nor its temp copy is left', async () => {
    async function* broken(): AsyncIterable<Uint8Array> {
      yield wav(1000);
      throw new Error('connection reset');
    }
    await expect(files.save('rec-2', STARTED, broken())).rejects.toThrow('connection reset');
    expect(readdirSync(join(root, 'recordings', '2026/11/03'))).toEqual([]);
  });

  it('given the disk fills up while the audio is still arriving (ENOSPC), when saved, then it rejects with ENOSPC, leaves no temp file and raises nothing unhandled', async () => {
    // /dev/full answers every write with ENOSPC: the temp file's name points there.
    const day = join(root, 'recordings', '2026/11/03');
    mkdirSync(day, { recursive: true });
    symlinkSync('/dev/full', join(day, 'rec-3.wav.part'));
    async function* slow(): AsyncIterable<Uint8Array> {
      yield wav(100);
      // The write fails while we wait for the network's next chunk.
      await new Promise((r) => setTimeout(r, 50));
      yield Buffer.alloc(100);
    }
    await expect(files.save('rec-3', STARTED, slow())).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(readdirSync(day)).toEqual([]);
  });

  it('given the recordings directory is a file, when saved, then it rejects', async () => {
    writeFileSync(join(root, 'recordings'), 'not a directory');
    await expect(files.save('rec-4', STARTED, chunks(wav(100)))).rejects.toThrow();
  });

  it.each([
    ['a parent path', '../x'],
    ['a parent path deeper', '2026/../../x'],
    ['an absolute path', '/etc/passwd'],
    ['the directory itself', '.'],
    ['a missing file', '2026/11/03/nope.wav'],
  ])('given %s (%s), when resolved, then it is null', async (_what, file) => {
    writeFileSync(join(root, 'x'), 'outside');
    await expect(files.resolve(file)).resolves.toBeNull();
  });

  it('given a stored file, when removed twice, then it is gone and the second remove resolves too', async () => {
    const saved = await files.save('rec-5', STARTED, chunks(wav(100)));
    await files.remove(saved.file);
    expect(existsSync(join(root, 'recordings', saved.file))).toBe(false);
    await expect(files.remove(saved.file)).resolves.toBeUndefined();
    await expect(files.resolve(saved.file)).resolves.toBeNull();
  });

  it('given a path outside the directory, when removed, then nothing outside is touched', async () => {
    writeFileSync(join(root, 'x'), 'outside');
    await files.remove('../x');
    expect(readFileSync(join(root, 'x'), 'utf8')).toBe('outside');
  });
});

describe('wavDurationMs', () => {
  it('given a WAV whose header holds the data size, when measured, then it is audio bytes over the byte rate', () => {
    const file = wav(8000);
    expect(wavDurationMs(file, file.length)).toBe(500);
  });

  it.each([
    ['0', 0],
    ['0xFFFFFFFF', 0xffffffff],
    ['larger than the file', 1_000_000],
  ])('given a data size Asterisk never fixed (%s), when measured, then it falls back to what the file holds', (_what, size) => {
    const file = wav(24_000, size);
    expect(wavDurationMs(file.subarray(0, 44), file.length)).toBe(1500);
  });

  it('given an extra chunk before the data (LIST), when measured, then it is skipped', () => {
    const file = wav(16_000);
    const list = Buffer.alloc(8 + 5 + 1);
    list.write('LIST', 0, 'ascii');
    list.writeUInt32LE(5, 4); // odd size: padded to even
    const withList = Buffer.concat([file.subarray(0, 36), list, file.subarray(36)]);
    expect(wavDurationMs(withList, withList.length)).toBe(1000);
  });

  it.each([
    ['empty', Buffer.alloc(0)],
    ['text', Buffer.from('this is not a wav file at all, just some text')],
    ['a RIFF that is not WAVE', Buffer.concat([Buffer.from('RIFF\0\0\0\0AVI '), Buffer.alloc(40)])],
    ['a WAV cut inside its fmt chunk', wav(100).subarray(0, 30)],
    ['a WAV without a data chunk', wav(100).subarray(0, 36)],
  ])('given %s, when measured, then it is 0', (_what, head) => {
    expect(wavDurationMs(head, head.length)).toBe(0);
  });
});
