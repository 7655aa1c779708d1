import { describe, expect, it } from 'vitest';
import { parseClientFrame } from '../../../../src/core/chat/chat-frame-parser.js';

const parse = (text: string, max = 1000) => parseClientFrame(text, Buffer.byteLength(text), max);

describe('chat frame validation', () => {
  it.each([
    ['hello', '{"v":1,"type":"hello","after":4}'],
    ['hello without after', '{"v":1,"type":"hello"}'],
    ['message', '{"v":1,"type":"message","clientMsgId":"m-1","body":"hi"}'],
    ['message with an unknown extra key (forward compatible)', '{"v":1,"type":"message","clientMsgId":"m-1","body":"hi","attachments":[]}'],
    ['typing', '{"v":1,"type":"typing","active":false}'],
    ['read', '{"v":1,"type":"read","upToSeq":3}'],
    ['ping', '{"v":1,"type":"ping","id":"p"}'],
  ])('given a valid %s frame, when parsed, then it is accepted as is', (_, text) => {
    expect(parse(text)).toEqual({ ok: true, frame: JSON.parse(text) });
  });

  it.each([
    ['a frame over the byte limit', `{"v":1,"type":"message","clientMsgId":"m","body":"${'x'.repeat(100)}"}`, 'too_large'],
    ['not JSON', '{"v":1,', 'bad_json'],
    ['a JSON array', '[1]', 'invalid_frame'],
    ['no version', '{"type":"ping"}', 'bad_version'],
    ['version 2', '{"v":2,"type":"ping"}', 'bad_version'],
    ['an unknown type', '{"v":1,"type":"shout"}', 'unknown_type'],
    ['a server-only type', '{"v":1,"type":"welcome"}', 'unknown_type'],
    ['a message without clientMsgId', '{"v":1,"type":"message","body":"hi"}', 'invalid_frame'],
    ['a message with an empty clientMsgId', '{"v":1,"type":"message","clientMsgId":"","body":"hi"}', 'invalid_frame'],
    ['a read with a negative seq', '{"v":1,"type":"read","upToSeq":-1}', 'invalid_frame'],
    ['a hello with a fractional after', '{"v":1,"type":"hello","after":1.5}', 'invalid_frame'],
  ])('given %s, when parsed, then the error code is %s', (_, text, code) => {
    const result = parse(text, 100);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(code);
  });

  it('given a message missing its fields, when parsed, then the details name them', () => {
    const result = parse('{"v":1,"type":"message"}');
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_frame', details: [{ path: '/', message: expect.stringContaining('clientMsgId') }] } });
  });
});
