// RIFF/WAVE: 12-byte header, then chunks (4-byte id, 4-byte little-endian size, data, padded to even).
// Asterisk writes 'fmt ' then 'data' and fixes the sizes when the recording closes; a size it never
// fixed (0 or 0xFFFFFFFF) falls back to what the file holds after the data chunk's header.
export function wavDurationMs(head: Buffer, fileSize: number): number {
  if (head.length < 12 || head.toString('ascii', 0, 4) !== 'RIFF' || head.toString('ascii', 8, 12) !== 'WAVE') return 0;
  let byteRate = 0;
  let offset = 12;
  while (offset + 8 <= head.length) {
    const id = head.toString('ascii', offset, offset + 4);
    const size = head.readUInt32LE(offset + 4);
    if (id === 'fmt ' && offset + 20 <= head.length) byteRate = head.readUInt32LE(offset + 8 + 8);
    if (id === 'data') {
      const available = fileSize - (offset + 8);
      const bytes = size === 0 || size === 0xffffffff || size > available ? available : size;
      return byteRate > 0 ? Math.round((bytes / byteRate) * 1000) : 0;
    }
    offset += 8 + size + (size % 2);
  }
  return 0;
}
