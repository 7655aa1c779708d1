// A single-pass HTML scanner for sanitize-html.ts. Regular expressions over tags looked simpler,
// but with quoted attributes they backtrack: 60 kB of "<a " took over 5 s, and mail bodies come from
// anyone. Here every character is looked at a bounded number of times, whatever the input.

export type HtmlToken =
  | { kind: 'text'; text: string }
  | { kind: 'tag'; name: string; closing: boolean; attributes: string };

// Elements whose content is not text for a reader; script and style content is raw text in HTML, so
// a '<' inside must not be read as a tag.
const SKIPPED_CONTENT = new Set(['script', 'style', 'head', 'title', 'template', 'noscript', 'svg', 'math', 'iframe', 'object', 'textarea']);

const isLetter = (c: string | undefined) => c !== undefined && /[A-Za-z]/.test(c);

/** End of a tag starting at `start` ('<'), skipping '>' inside quoted attribute values; -1 if none. */
function tagEnd(html: string, start: number): number {
  let quote: string | null = null;
  for (let i = start + 1; i < html.length; i++) {
    const c = html[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '>') {
      return i;
    }
  }
  return -1;
}

export function scanHtml(html: string): HtmlToken[] {
  const tokens: HtmlToken[] = [];
  let text = '';
  const flush = () => {
    if (text) tokens.push({ kind: 'text', text });
    text = '';
  };
  let i = 0;
  while (i < html.length) {
    const next = html.indexOf('<', i);
    if (next < 0) {
      text += html.slice(i);
      break;
    }
    text += html.slice(i, next);
    i = next;
    if (html.startsWith('<!--', i)) {
      // An unterminated comment hides the rest of the document, as in a browser.
      const end = html.indexOf('-->', i + 4);
      i = end < 0 ? html.length : end + 3;
      continue;
    }
    const after = html[i + 1];
    const closing = after === '/';
    if (after === '!' || after === '?' || isLetter(closing ? html[i + 2] : after)) {
      const end = tagEnd(html, i);
      // A tag never closed swallows the rest; dropping it is what a browser shows.
      if (end < 0) break;
      if (after === '!' || after === '?') {
        i = end + 1;
        continue;
      }
      const body = html.slice(i + (closing ? 2 : 1), end);
      const nameLength = body.search(/[\s/]|$/);
      const name = body.slice(0, nameLength).toLowerCase();
      flush();
      tokens.push({ kind: 'tag', name, closing, attributes: body.slice(nameLength) });
      i = end + 1;
      if (!closing && SKIPPED_CONTENT.has(name)) {
        // Jump to the matching end tag (or the end): its content is never text for the reader.
        const endTag = new RegExp(`</${name}\\b`, 'ig');
        endTag.lastIndex = i;
        const found = endTag.exec(html);
        if (!found) break;
        i = found.index;
      }
      continue;
    }
    // A lone '<' (as in "a < b") is text.
    text += '<';
    i += 1;
  }
  flush();
  return tokens;
}
