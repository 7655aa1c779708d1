import { describe, expect, it } from 'vitest';
import {
  addSubjectRef,
  findSubjectRefs,
  replySubject,
  stripReplyPrefixes,
  subjectBase,
} from '../../../../src/core/email/subject-token.js';

describe('subject tokens', () => {
  it.each([
    ['Re: Order', 'Order'],
    ['RE: AW: Fwd: Order', 'Order'],
    ['FW: SV: VS: Order', 'Order'],
    ['Re[2]: Re(3): Re^4: Order', 'Order'],
    ['Antw: WG: TR: RIF: Odp: RV: Order', 'Order'],
    ['回复： 转发: Order', 'Order'],
    ['re : Order', 'Order'],
    ['Training: Re: Order', 'Training: Re: Order'],
    ['Refund please', 'Refund please'],
    ['Order: missing', 'Order: missing'],
  ])('given %j, when reply prefixes are stripped, then %j is left', (subject, base) => {
    expect(stripReplyPrefixes(subject)).toBe(base);
  });

  it.each([
    ['Your order [#K7Q2]', ['K7Q2']],
    ['RE: AW: Your order [#K7Q2]', ['K7Q2']],
    ['[#a1] and [#b-2]', ['a1', 'b-2']],
    ['[# K7Q2] [#] [K7Q2] #K7Q2', []],
    ['[#-leading-dash]', []],
  ])('given %j, then the refs found are %j', (subject, refs) => {
    expect(findSubjectRefs(subject)).toEqual(refs);
  });

  it.each([
    ['Your order', 'Re: Your order [#K7Q2]'],
    ['Re: Your order [#K7Q2]', 'Re: Your order [#K7Q2]'],
    ['AW: RE: [#K7Q2] Re: Your order', 'Re: Your order [#K7Q2]'],
    ['Your order [#OTHER1]', 'Re: Your order [#K7Q2]'],
    ['', 'Re: [#K7Q2]'],
  ])('given the subject %j, when we reply, then our subject is %j', (subject, reply) => {
    expect(replySubject(subject, 'K7Q2')).toBe(reply);
  });

  it('given a subject that already carries the token, when it is added, then it is not doubled', () => {
    expect(addSubjectRef('Order [#K7Q2]', 'K7Q2')).toBe('Order [#K7Q2]');
    expect(addSubjectRef('Order', 'K7Q2')).toBe('Order [#K7Q2]');
    expect(() => addSubjectRef('Order', 'bad ref')).toThrow(RangeError);
  });

  it('given subjects differing only in prefixes and tokens, then their base is the same', () => {
    expect(subjectBase('RE: AW: Your order [#K7Q2]')).toBe(subjectBase('Your order'));
  });
});
