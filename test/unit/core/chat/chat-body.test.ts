import { describe, expect, it } from 'vitest';
import { cleanBody } from '../../../../src/core/chat/chat-body.js';

describe('message body rules', () => {
  it.each([
    ['trims and keeps inner newlines and tabs', '  a\n\tb  ', 'a\n\tb'],
    ['turns CRLF and CR into LF', 'a\r\nb\rc', 'a\nb\nc'],
    ['strips C0, DEL and C1 controls', 'a\u0000b\u001bc\u007fd\u0085e', 'abcde'],
    ['strips bidi overrides', 'pay \u202Eevil\u202C now', 'pay evil now'],
    ['keeps markup as text (display escapes it, not the server)', '<b>hi</b> & bye', '<b>hi</b> & bye'],
    ['normalizes to NFC', 'e\u0301', '\u00e9'],
    ['keeps emoji with joiners', '👩‍💻', '👩‍💻'],
  ])('given a body, when cleaned, then it %s', (_, raw, body) => {
    expect(cleanBody(raw, 100)).toEqual({ ok: true, body });
  });

  it('given emoji, when counted against the limit, then each counts as one character', () => {
    expect(cleanBody('😀'.repeat(5), 5)).toEqual({ ok: true, body: '😀'.repeat(5) });
    expect(cleanBody('😀'.repeat(6), 5)).toMatchObject({ ok: false, code: 'body_too_long' });
  });

  it('given only whitespace and controls, when cleaned, then body_empty', () => {
    expect(cleanBody(' \u0000 \n ', 100)).toMatchObject({ ok: false, code: 'body_empty' });
  });
});
