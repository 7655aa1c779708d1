// Minimal RFC 5322 header-block reading for the parts of a delivery report that postal-mime hands
// over as opaque attachments (it deliberately does not inline message/rfc822 inside a report):
// message/delivery-status is groups of header fields, text/rfc822-headers is one header block.

export type HeaderField = readonly [name: string, value: string];

/** Header blocks separated by blank lines, continuation lines unfolded, names lowercased. */
export function parseHeaderGroups(text: string): HeaderField[][] {
  const groups: HeaderField[][] = [];
  let current: HeaderField[] = [];
  let last: [string, string] | null = null;
  const flush = () => {
    if (last) current.push([last[0], last[1].trim()]);
    last = null;
  };
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') {
      flush();
      if (current.length > 0) groups.push(current);
      current = [];
    } else if (/^[ \t]/.test(line) && last) {
      last[1] += ` ${line.trim()}`;
    } else {
      flush();
      const colon = line.indexOf(':');
      if (colon > 0) last = [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1)];
    }
  }
  flush();
  if (current.length > 0) groups.push(current);
  return groups;
}

/** The header section of a message (everything before its first blank line). */
export function parseHeaderSection(text: string): HeaderField[] {
  const end = text.search(/\r?\n\r?\n/);
  return parseHeaderGroups(end >= 0 ? text.slice(0, end) : text)[0] ?? [];
}

export function fieldValue(fields: readonly HeaderField[], name: string): string | null {
  return fields.find(([n]) => n === name)?.[1] ?? null;
}
