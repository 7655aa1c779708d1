// Received HTML is hostile until proven otherwise (scripts, tracking pixels, CSS that hides text,
// javascript: links). The formatted view goes through `sanitize-html` (adapters/email/
// sanitize-email-html.ts); this is the plain-text view, and the fallback for mail too large to
// sanitize safely: turn the HTML into plain text. Structure survives as line breaks and list dashes, links survive as
// "label (url)" for http, https and mailto only, everything else is dropped.
//
// The result is TEXT, not HTML: whoever displays it must escape it like any other text. Entities are
// decoded here, so "&lt;script&gt;" comes out as the literal characters "<script>".

import { scanHtml } from './html-scan.js';

const HREF = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/i;
const BLOCKS = new Set([
  'p', 'div', 'tr', 'table', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'ul', 'ol', 'li', 'hr', 'pre',
  'section', 'article', 'header', 'footer',
]);

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  shy: '',
  zwnj: '',
  zwj: '',
  ndash: '–',
  mdash: '—',
  hellip: '…',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  laquo: '«',
  raquo: '»',
  euro: '€',
  copy: '©',
  reg: '®',
  trade: '™',
  bull: '•',
  middot: '·',
};

function codePoint(n: number): string {
  // Surrogates, NUL and out-of-range values are what the HTML spec replaces with U+FFFD.
  if (!Number.isFinite(n) || n <= 0 || n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return '\uFFFD';
  return String.fromCodePoint(n);
}

export function decodeEntities(text: string): string {
  return text.replace(/&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|([a-z][a-z0-9]{1,31}));?/gi, (whole, dec, hex, name) => {
    if (dec) return codePoint(Number.parseInt(dec, 10));
    if (hex) return codePoint(Number.parseInt(hex, 16));
    const known = NAMED[String(name).toLowerCase()];
    return known ?? whole;
  });
}

/** http, https and mailto only: other schemes (javascript:, data:, file:) are dropped even as text. */
function safeUrl(rawHref: string): string | null {
  // Browsers ignore control characters and whitespace inside the scheme ("java\tscript:"), and
  // entities are decoded before the scheme is read, so check what a browser would see.
  const url = decodeEntities(rawHref).replace(/[\u0000-\u0020\u007f]+/g, '');
  return /^(?:https?:\/\/|mailto:)/i.test(url) ? url : null;
}

function collapse(text: string): string {
  return decodeEntities(text).replace(/\s+/g, ' ').trim();
}

export function sanitizeHtmlToText(html: string): string {
  let out = '';
  // The open link: where its label starts in `out` and its URL when it is one we keep.
  let anchor: { start: number; url: string | null } | null = null;
  const closeAnchor = () => {
    if (!anchor) return;
    const { start, url } = anchor;
    anchor = null;
    if (!url) return;
    const label = collapse(out.slice(start));
    if (label === url || label === url.replace(/^mailto:/i, '')) return;
    // Escape & so the final decoding pass leaves the already decoded URL as it is.
    out += ` (${url.replace(/&/g, '&amp;')})`;
  };
  for (const token of scanHtml(html)) {
    if (token.kind === 'text') {
      out += token.text;
      continue;
    }
    const { name, closing } = token;
    if (name === 'a') {
      closeAnchor();
      if (!closing) {
        const href = HREF.exec(token.attributes);
        anchor = { start: out.length, url: href ? safeUrl(href[1] ?? href[2] ?? href[3] ?? '') : null };
      }
    } else if (name === 'br') {
      out += '\n';
    } else if (name === 'li' && !closing) {
      out += '\n- ';
    } else if (BLOCKS.has(name)) {
      out += '\n';
    } else if ((name === 'td' || name === 'th') && closing) {
      out += '\t';
    }
  }
  closeAnchor();
  return decodeEntities(out)
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
