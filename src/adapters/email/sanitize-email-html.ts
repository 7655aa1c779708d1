// Received mail HTML turned into HTML that is safe to show an agent, with the maintained allow-list
// sanitizer `sanitize-html` (htmlparser2 underneath, linear in the input). Everything not listed
// here is dropped: scripts, styles, iframes, forms, objects, SVG/MathML, event handlers, classes and
// style attributes, comments (including Outlook's conditional ones).
//
// - Links keep only http, https and mailto targets and always open in a new tab with
//   rel="noopener noreferrer nofollow"; any other target (javascript:, data:, vbscript:, file:,
//   protocol-relative "//host") loses its href and the link becomes plain text.
// - Images are shown only when they are `cid:` references to parts of the same mail, mapped by the
//   caller to our own attachment URLs. Remote images (tracking pixels), data: images and srcset are
//   dropped, so opening a mail never tells the sender it was read.
//
// The plain-text view stays `sanitizeHtmlToText` in src/core/email/sanitize-html.ts.
//
// Size cap: htmlparser2 and sanitize-html are linear on flat markup (200 kB of "<a <a <a" takes
// ~30 ms) but quadratic in nesting depth: 200 kB of "<b><b><b>..." took ~1.5 s, 300 kB ~3 s. Above
// `maxLength` (100,000 characters by default, Gmail clips at about the same size) this returns null
// and the caller shows the plain-text view, whose scanner is linear whatever the input.

import sanitizeHtml from 'sanitize-html';

/**
 * Maps the Content-ID of a `cid:` image (without "cid:" and angle brackets, percent-decoded) to the
 * URL that serves that attachment, or undefined when the mail has no such part (the image is then
 * dropped). The result is trusted, but it must still be http(s) or relative to be kept.
 */
export type CidResolver = (contentId: string) => string | undefined;

const ALLOWED_TAGS = [
  // text formatting
  'p', 'br', 'div', 'span', 'b', 'strong', 'i', 'em', 'u', 's', 'strike', 'del', 'ins', 'mark', 'small',
  'sub', 'sup', 'code', 'pre', 'kbd', 'samp', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'blockquote',
  // lists
  'ul', 'ol', 'li', 'dl', 'dt', 'dd',
  // tables
  'table', 'caption', 'colgroup', 'col', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td',
  // links and (cid:) images
  'a', 'img',
];

// Elements whose text is not meant for a reader: their content goes with them (the rest of the
// disallowed elements, such as <font> or <center>, are unwrapped and keep their text).
const NON_TEXT_TAGS = [
  'script', 'style', 'textarea', 'option', 'noscript', 'head', 'title', 'template', 'svg', 'math', 'iframe',
  'object', 'embed', 'applet', 'noembed', 'noframes', 'xmp', 'select',
];

const LINK_REL = 'noopener noreferrer nofollow';

// Not in ALLOWED_TAGS: an <img> renamed to this is discarded.
const DROPPED = 'x-dropped';

function contentIdOf(src: string | undefined): string | null {
  const match = /^\s*cid:(.+)$/is.exec(src ?? '');
  if (!match) return null;
  let id = match[1]!.trim();
  try {
    id = decodeURIComponent(id); // RFC 2392: the cid URL is the Content-ID, %-encoded
  } catch {
    // a stray '%' is taken literally
  }
  id = id.replace(/^<(.*)>$/s, '$1').trim();
  return id === '' ? null : id;
}

export const DEFAULT_MAX_HTML_LENGTH = 100_000;

export interface SanitizeEmailHtmlOptions {
  /** Longer input is not parsed: null is returned (see the size cap above). */
  maxLength?: number;
}

/** Safe HTML for the agent's view, or null when the input is too long to parse safely. */
export function sanitizeEmailHtml(
  html: string,
  resolveCid: CidResolver,
  { maxLength = DEFAULT_MAX_HTML_LENGTH }: SanitizeEmailHtmlOptions = {},
): string | null {
  if (html.length > maxLength) return null;
  return sanitizeHtml(html, {
    allowedTags: ALLOWED_TAGS,
    nonTextTags: NON_TEXT_TAGS,
    disallowedTagsMode: 'discard',
    allowedAttributes: {
      '*': ['dir'],
      a: ['href', 'title', 'rel', 'target'],
      img: ['src', 'alt', 'title'],
      td: ['colspan', 'rowspan'],
      th: ['colspan', 'rowspan'],
      col: ['span'],
      colgroup: ['span'],
      ol: ['start'],
    },
    allowedSchemes: ['http', 'https', 'mailto'],
    // src only ever holds the URL our resolver produced (below); it must still be http(s) or relative.
    allowedSchemesByTag: { img: ['http', 'https'] },
    allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
    allowProtocolRelative: false,
    allowedStyles: {},
    parseStyleAttributes: false,
    allowVulnerableTags: false,
    transformTags: {
      a: (tagName, attribs) => ({
        tagName,
        attribs: { ...attribs, rel: LINK_REL, target: '_blank' },
      }),
      img: (tagName, attribs) => {
        const id = contentIdOf(attribs.src);
        const url = id === null ? undefined : resolveCid(id);
        if (url === undefined || url === '') return { tagName: DROPPED, attribs: {} };
        const kept: Record<string, string> = { src: url };
        if (attribs.alt !== undefined) kept.alt = attribs.alt;
        if (attribs.title !== undefined) kept.title = attribs.title;
        return { tagName, attribs: kept };
      },
    },
    // An image whose mapped URL failed the scheme check has no src left: nothing to show.
    exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
  });
}
