import { describe, expect, it } from 'vitest';
import { decodeEntities, sanitizeHtmlToText } from '../../../../src/core/email/sanitize-html.js';

describe('received HTML to safe text (fallback until sanitize-html is a dependency)', () => {
  it.each([
    ['script and style content', '<style>p{color:red}</style><p>Hi</p><script>alert(1)</script>', 'Hi'],
    ['an unclosed script', '<p>Hi</p><script>alert(1)', 'Hi'],
    ['comments', 'a<!-- secret -->b', 'ab'],
    ['paragraphs and breaks', '<p>one</p><p>two<br>three</p>', 'one\n\ntwo\nthree'],
    ['a list', '<ul><li>a</li><li>b</li></ul>', '- a\n\n- b'],
    ['a web link', '<a href="https://x.example/a?b=1&amp;c=2">our page</a>', 'our page (https://x.example/a?b=1&c=2)'],
    ['a link whose label is the URL', '<a href="https://x.example">https://x.example</a>', 'https://x.example'],
    ['a mailto link', '<a href="mailto:a@x.example">a@x.example</a>', 'a@x.example'],
    ['a javascript link', '<a href="javascript:alert(1)">click</a>', 'click'],
    ['an obfuscated javascript link', '<a href="jav&#x61;\tscript:alert(1)">click</a>', 'click'],
    ['a data link', "<a href='data:text/html,<b>x</b>'>click</a>", 'click'],
    ['escaped markup', '&lt;script&gt;alert(1)&lt;/script&gt;', '<script>alert(1)</script>'],
    ['an image and attributes', '<img src="https://tracker.example/p.gif" onerror="x()">Hello <b onclick="y()">you</b>', 'Hello you'],
    ['a lone less-than sign', '<p>1 < 2 and 3 <4</p>', '1 < 2 and 3 <4'],
    ['a quoted > inside an attribute', '<p title="a>b">x</p>', 'x'],
    ['a < inside a script', '<script>if (a<b) { document.write("<p>x</p>") }</script>ok', 'ok'],
    ['an unterminated tag at the end', 'ok<a href="x', 'ok'],
    ['a table', '<table><tr><td>a</td><td>b</td></tr></table>', 'a b'],
    ['entities', 'caf&eacute; &euro;5 &#8364; &#x20AC; &nbsp;&amp;&bogus; &#0;', 'caf&eacute; €5 € € &&bogus; \uFFFD'],
  ])('given %s, then the text is as expected', (_name, html, text) => {
    expect(sanitizeHtmlToText(html)).toBe(text);
  });

  it('given the alternative.eml HTML body, then only readable text and the safe link remain', () => {
    const html =
      '<html><head><style>p{color:red}</style><script>alert(1)</script></head><body><p>Hi, I <b>cannot</b> log in since yesterday.</p>' +
      '<p>See <a href="https://status.example.net">our status page</a> and <a href="javascript:alert(2)">this</a>.</p>' +
      '<img src="https://tracker.example/p.gif" width="1"></body></html>';
    expect(sanitizeHtmlToText(html)).toBe('Hi, I cannot log in since yesterday.\n\nSee our status page (https://status.example.net) and this.');
  });

  it.each([
    ['unclosed anchors', '<a '],
    ['unterminated quotes', '<b "'],
    ['unclosed scripts', '<script '],
    ['lone less-than signs', '<'],
  ])('given 200 kB of %s, then it finishes in linear time (mail bodies come from anyone)', (_name, unit) => {
    const started = performance.now();
    sanitizeHtmlToText(unit.repeat(Math.ceil(200_000 / unit.length)));
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('given numeric entities out of range, then they become the replacement character', () => {
    expect(decodeEntities('&#xD800;&#1114112;')).toBe('\uFFFD\uFFFD');
  });
});
