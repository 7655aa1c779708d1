/**
 * A WAV as Asterisk writes a bridge recording: 44-byte header, 8000 Hz 16-bit mono PCM (16000
 * bytes a second). `dataSize` is what the header claims (0 or 0xFFFFFFFF: never fixed up).
 */
export function wavBytes(audioBytes: number, dataSize: number = audioBytes): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + audioBytes, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(16000, 28); // byte rate
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataSize, 40);
  const audio = Buffer.alloc(audioBytes);
  for (let i = 0; i < audioBytes; i++) audio[i] = (i * 7) & 0xff;
  return Buffer.concat([header, audio]);
}

/** `seconds` of audio. */
export const wav = (seconds: number): Buffer => wavBytes(Math.round(seconds * 16000));
