import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { RecordingFiles } from '../../ports/recording-files.js';
import { wavDurationMs } from './wav-duration.js';

const ID = /^[A-Za-z0-9_-]{1,128}$/;
const HEAD_BYTES = 4096;

const datePath = (at: number) => {
  const d = new Date(at);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}`;
};

export function createRecordingFiles(root: string): RecordingFiles {
  const base = resolve(root);
  const inside = (file: string): string | null => {
    const path = resolve(base, file);
    const rel = relative(base, path);
    return rel && !rel.startsWith('..') && !rel.startsWith(sep) && !rel.includes(`..${sep}`) ? path : null;
  };

  return {
    async save(id, startedAt, audio) {
      if (!ID.test(id)) throw new Error(`not a recording id: '${id}'`);
      const file = `${datePath(startedAt)}/${id}.wav`;
      const path = join(base, file);
      const temp = `${path}.part`;
      await mkdir(dirname(path), { recursive: true });
      const hash = createHash('sha256');
      const head: Buffer[] = [];
      let headBytes = 0;
      let size = 0;
      const measure = async function* (source: AsyncIterable<Uint8Array>) {
        for await (const chunk of source) {
          const buf = Buffer.from(chunk);
          hash.update(buf);
          size += buf.length;
          if (headBytes < HEAD_BYTES) {
            head.push(buf);
            headBytes += buf.length;
          }
          yield buf;
        }
      };
      // pipeline, not a write loop: it waits for drain (a slow disk must not buffer an hour of
      // audio in memory), and a write error (ENOSPC) rejects here and cancels the download. A hand
      // loop saw that error only as an unhandled rejection and then waited forever for a drain.
      try {
        await pipeline(audio, measure, createWriteStream(temp, { flags: 'w' }));
      } catch (err) {
        await rm(temp, { force: true });
        throw err;
      }
      await rename(temp, path);
      return { file, sizeBytes: size, sha256: hash.digest('hex'), durationMs: wavDurationMs(Buffer.concat(head), size) };
    },

    async resolve(file) {
      const path = inside(file);
      if (!path) return null;
      try {
        const s = await stat(path);
        return s.isFile() ? { path, sizeBytes: s.size } : null;
      } catch {
        return null;
      }
    },

    async remove(file) {
      const path = inside(file);
      if (path) await rm(path, { force: true });
    },
  };
}
