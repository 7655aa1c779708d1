export interface SavedRecordingFile {
  /** Relative to the recordings directory. */
  file: string;
  sizeBytes: number;
  sha256: string;
  /** From the WAV header: audio bytes over the byte rate. */
  durationMs: number;
}

/** Where recording files live: under one directory, with paths built from our ids and dates only. */
export interface RecordingFiles {
  /** Writes the audio (temp file, then rename: a half-written file never has the final name). */
  save(id: string, startedAt: number, audio: AsyncIterable<Uint8Array>): Promise<SavedRecordingFile>;
  /** The absolute path of a stored file, or null when it is missing or would lie outside the directory. */
  resolve(file: string): Promise<{ path: string; sizeBytes: number } | null>;
  /** Resolves also when the file is already gone. */
  remove(file: string): Promise<void>;
}
