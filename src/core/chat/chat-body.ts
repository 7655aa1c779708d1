// Message bodies are plain text. The server normalizes and bounds them; it does not escape HTML,
// because the body is data, not markup: every display (widget, agent desk, transcript mail) must
// insert it as text (textContent, or escaped by the template engine), never as innerHTML. Escaping
// here would show "&lt;" to users of displays that already do the right thing.

export type BodyResult = { ok: true; body: string } | { ok: false; code: 'body_empty' | 'body_too_long'; message: string };

// C0 controls except TAB and LF, DEL, and the C1 block: invisible, and some terminals and log
// viewers act on them.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
// Bidi embedding/override/isolate marks can make a displayed message read differently from what
// was sent ("Trojan Source"); plain chat text has no need for them.
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/g;

export function cleanBody(raw: string, maxChars: number): BodyResult {
  const body = raw
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL, '')
    .replace(BIDI_CONTROL, '')
    .normalize('NFC')
    .trim();
  if (body.length === 0) return { ok: false, code: 'body_empty', message: 'the message body is empty' };
  // Code points, not UTF-16 units: an emoji counts as one character, as the user sees it.
  const chars = [...body].length;
  if (chars > maxChars) return { ok: false, code: 'body_too_long', message: `the message body has ${chars} characters; at most ${maxChars}` };
  return { ok: true, body };
}
