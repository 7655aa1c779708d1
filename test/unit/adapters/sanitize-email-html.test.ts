import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_HTML_LENGTH, sanitizeEmailHtml } from '../../../src/adapters/email/sanitize-email-html.js';

const ATTACHMENT_URL = '/api/v1/email/attachments/abc';
const resolveCid = (id: string): string | undefined =>
  id === 'logo@x.example' ? ATTACHMENT_URL : id === 'evil@x.example' ? 'javascript:alert(1)' : undefined;
const clean = (html: string): string => {
  const out = sanitizeEmailHtml(html, resolveCid, { maxLength: Number.POSITIVE_INFINITY });
  if (out === null) throw new Error('unexpected null');
  return out;
};

/** Nothing executable, styled or remote may survive, whatever the input. */
function expectHarmless(out: string): void {
  expect(out).not.toMatch(/<(script|style|iframe|object|embed|form|input|svg|math|base|meta|link)\b/i);
  expect(out).not.toMatch(/\son[a-z]+\s*=/i);
  expect(out).not.toMatch(/\s(style|class|srcset|background)\s*=/i);
  expect(out).not.toMatch(/javascript:|vbscript:|data:/i);
  expect(out).not.toMatch(/<img\b[^>]*\bsrc="(?!\/api\/v1\/email\/attachments\/)/i);
}

describe('received mail HTML to safe HTML (sanitize-html allow-list)', () => {
  it.each([
    ['a script', '<p>Hi</p><script>alert(1)</script>', '<p>Hi</p>'],
    ['an unclosed script', '<p>Hi</p><script>alert(1)', '<p>Hi</p>'],
    ['event handlers', '<p onclick="x()">Hi <b onmouseover="y()">you</b></p>', '<p>Hi <b>you</b></p>'],
    ['an image with onerror', '<img src="x" onerror="alert(1)">ok', 'ok'],
    ['a style element and attribute', '<style>p{display:none}</style><p style="color:red">x</p>', '<p>x</p>'],
    ['a remote image (tracking pixel)', '<p>x</p><img src="https://t.example/p.gif" width="1" height="1">', '<p>x</p>'],
    ['a data: image', '<img src="data:image/png;base64,iVBORw0KGgo=">x', 'x'],
    ['a relative image pointing at our API', `<img src="${ATTACHMENT_URL}">x`, 'x'],
    ['an unknown cid image', '<img src="cid:nope@x.example" alt="nope">x', 'x'],
    ['a cid mapped to a bad scheme', '<img src="cid:evil@x.example">x', 'x'],
    ['an iframe', '<iframe src="https://x.example">inside</iframe>x', 'x'],
    ['a form', '<form action="https://x.example"><input name="pw"><button>Send</button></form>', 'Send'],
    ['object and embed', '<object data="x.swf"><embed src="x.swf"></object>x', 'x'],
    ['svg with script', '<svg onload="alert(1)"><script>alert(1)</script></svg>x', 'x'],
    ['math tricks', '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>', ''],
    ['a split script tag', '<scr<script>ipt>alert(1)</scr</script>ipt>', 'ipt&gt;alert(1)ipt&gt;'],
    ['noscript hiding markup in an attribute', '<noscript><p title="</noscript><img src=x onerror=alert(1)>">', ''],
    ['head and title', '<html><head><title>Secret</title><meta http-equiv="refresh" content="0;url=https://x"></head><body><p>x</p></body></html>', '<p>x</p>'],
    ['a base tag', '<base href="https://evil.example/"><a href="/a">a</a>', '<a href="/a" rel="noopener noreferrer nofollow" target="_blank">a</a>'],
    ['comments and conditional comments', '<!--[if mso]><p>mso</p><![endif]--><p>ok<!-- hidden --></p>', '<p>ok</p>'],
    ['escaped markup', '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>', '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>'],
    ['unknown tags', '<font color="red"><center>red</center></font>', 'red'],
  ])('given %s, then the output is as expected', (_name, html, expected) => {
    const out = clean(html);
    expect(out).toBe(expected);
    expectHarmless(out);
  });

  it.each([
    ['javascript:', '<a href="javascript:alert(1)">x</a>'],
    ['javascript: in capitals', '<a href="JaVaScRiPt:alert(1)">x</a>'],
    ['javascript: with an entity and a tab', '<a href="jav&#x61;\tscript:alert(1)">x</a>'],
    ['javascript: with a padded numeric entity', '<a href="&#0000106avascript:alert(1)">x</a>'],
    ['javascript: after spaces and a newline', '<a href="  \njavascript:alert(1)">x</a>'],
    ['data:', '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>'],
    ['vbscript:', '<a href="vbscript:msgbox(1)">x</a>'],
    ['file:', '<a href="file:///etc/passwd">x</a>'],
    ['protocol-relative', '<a href="//evil.example/">x</a>'],
  ])('given a link to %s, then the link loses its target and keeps its label', (_name, html) => {
    const out = clean(html);
    expect(out).not.toMatch(/href/i);
    expect(out).toContain('>x</a>');
    expectHarmless(out);
  });

  it('given web and mail links, then they keep their target and open safely in a new tab', () => {
    expect(clean('<a href="https://x.example/?a=1&amp;b=2" target="_self" rel="opener" onclick="x()">web</a>')).toBe(
      '<a href="https://x.example/?a=1&amp;b=2" target="_blank" rel="noopener noreferrer nofollow">web</a>',
    );
    expect(clean('<a href="http://x.example">w</a>')).toContain('href="http://x.example"');
    expect(clean('<a href="mailto:a@x.example">mail</a>')).toBe(
      '<a href="mailto:a@x.example" rel="noopener noreferrer nofollow" target="_blank">mail</a>',
    );
  });

  it('given cid images, then they point to our attachment URL with alt text only', () => {
    const out = clean(
      '<img src="cid:logo@x.example" alt="Logo" onerror="x()" width="1" srcset="https://t.example/a.gif 1x">' +
        '<img src="CID:%3Clogo@x.example%3E">',
    );
    expect(out).toBe(`<img src="${ATTACHMENT_URL}" alt="Logo" /><img src="${ATTACHMENT_URL}" />`);
  });

  it('given the cid, then the resolver receives the bare Content-ID', () => {
    const seen: string[] = [];
    sanitizeEmailHtml('<img src="cid:part1.A%40x.example"><img src=" cid:<b@x> ">', (id) => {
      seen.push(id);
      return undefined;
    });
    expect(seen).toEqual(['part1.A@x.example', 'b@x']);
  });

  it('given benign formatting, lists, tables and quotes, then they are kept', () => {
    const html =
      '<h2>Order</h2><p dir="rtl">Hello <strong>you</strong>, <em>thanks</em> <u>a</u> <s>b</s> <code>c</code><br>next</p>' +
      '<ul><li>one</li></ul><ol start="3"><li>three</li></ol>' +
      '<table><thead><tr><th colspan="2">Item</th></tr></thead><tbody><tr><td>a</td><td rowspan="1">b</td></tr></tbody></table>' +
      '<blockquote>quoted <i>text</i></blockquote><pre>  pre  </pre><hr>';
    expect(clean(html)).toBe(
      '<h2>Order</h2><p dir="rtl">Hello <strong>you</strong>, <em>thanks</em> <u>a</u> <s>b</s> <code>c</code><br />next</p>' +
        '<ul><li>one</li></ul><ol start="3"><li>three</li></ol>' +
        '<table><thead><tr><th colspan="2">Item</th></tr></thead><tbody><tr><td>a</td><td rowspan="1">b</td></tr></tbody></table>' +
        '<blockquote>quoted <i>text</i></blockquote><pre>  pre  </pre><hr />',
    );
  });

  it('given table layout attributes, then only the structure is kept', () => {
    expect(clean('<table width="600" bgcolor="#fff" background="https://t.example/bg.gif" class="x"><tr><td align="center" style="x">a</td></tr></table>')).toBe(
      '<table><tr><td>a</td></tr></table>',
    );
  });

  it('given 200 kB of "<a <a <a", then the parser itself finishes fast', () => {
    const hostile = '<a '.repeat(70_000);
    const started = performance.now();
    const out = clean(hostile);
    expect(performance.now() - started).toBeLessThan(1000);
    expectHarmless(out);
  });

  it('given 200 kB of "<a <a <a" with the default cap, then it is refused at once for the text view', () => {
    const started = performance.now();
    expect(sanitizeEmailHtml('<a '.repeat(70_000), resolveCid)).toBeNull();
    expect(performance.now() - started).toBeLessThan(50);
  });

  it('given deep nesting just under the default cap, then it finishes fast and stays harmless', () => {
    const unit = '<div><b>';
    const hostile = unit.repeat(Math.floor((DEFAULT_MAX_HTML_LENGTH - 40) / unit.length)) + '<img src=x onerror=alert(1)>';
    expect(hostile.length).toBeLessThanOrEqual(DEFAULT_MAX_HTML_LENGTH);
    const started = performance.now();
    const out = sanitizeEmailHtml(hostile, resolveCid);
    expect(performance.now() - started).toBeLessThan(1500);
    expect(out).not.toBeNull();
    expectHarmless(out!);
  });

  it('given input one character over the cap, then null is returned', () => {
    expect(sanitizeEmailHtml('x'.repeat(11), resolveCid, { maxLength: 10 })).toBeNull();
    expect(sanitizeEmailHtml('x'.repeat(10), resolveCid, { maxLength: 10 })).toBe('x'.repeat(10));
  });
});
