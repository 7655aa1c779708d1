import { describe, expect, it } from 'vitest';
import { classifyMail, type AutomatedReason, type OursReason, type OwnIdentity } from '../../../../src/core/email/classify.js';
import type { ParsedMail } from '../../../../src/core/email/parsed-mail.js';
import { mail } from './mail-fixture.js';

const own: OwnIdentity = {
  messageIdDomains: ['mail.help.example.com'],
  marker: 'sb-main',
  systemAddresses: ['support@help.example.com', 'noreply@help.example.com'],
};

describe('classifying received mail', () => {
  it('given a plain customer mail, then it is neither automated, a bounce nor ours', () => {
    expect(classifyMail(mail(), own)).toEqual({
      automated: false,
      automatedReasons: [],
      bounce: false,
      ours: false,
      oursReasons: [],
    });
  });

  it.each<[string, Partial<ParsedMail>, AutomatedReason[]]>([
    ['Auto-Submitted: auto-replied', { headers: { 'auto-submitted': ['auto-replied'] } }, ['auto-submitted']],
    ['Auto-Submitted with parameters', { headers: { 'auto-submitted': ['Auto-Generated; owner-email="x@y"'] } }, ['auto-submitted']],
    ['Precedence: bulk', { headers: { precedence: ['bulk'] } }, ['precedence']],
    ['Precedence: junk', { headers: { precedence: ['JUNK'] } }, ['precedence']],
    ['Precedence: list', { headers: { precedence: ['list'] } }, ['precedence']],
    ['Precedence: auto_reply', { headers: { precedence: ['auto_reply'] } }, ['precedence']],
    ['List-Id', { headers: { 'list-id': ['<news.lists.example.com>'] } }, ['list']],
    ['List-Unsubscribe only', { headers: { 'list-unsubscribe': ['<mailto:u@x>'] } }, ['list']],
    ['X-Loop with our marker', { headers: { 'x-loop': ['sb-main'] } }, ['x-loop']],
    ['X-Loop of another ticket system', { headers: { 'x-loop': ['rt.example.net'] } }, ['x-loop']],
    ['X-Autoreply', { headers: { 'x-autoreply': ['yes'] } }, ['autoreply-header']],
    ['X-Autorespond', { headers: { 'x-autorespond': ['1'] } }, ['autoreply-header']],
    ['X-Auto-Response-Suppress: All', { headers: { 'x-auto-response-suppress': ['DR, All'] } }, ['auto-response-suppress']],
    ['the null sender', { returnPath: '' }, ['null-sender']],
    ['MAILER-DAEMON as From', { from: { name: '', address: 'MAILER-DAEMON@mx.example.net' } }, ['daemon-sender']],
    ['postmaster as Return-Path', { returnPath: 'postmaster@example.net' }, ['daemon-sender']],
  ])('given %s, then it is automated for that reason', (_name, overrides, reasons) => {
    const c = classifyMail(mail(overrides), own);
    expect(c.automated).toBe(true);
    expect(c.automatedReasons).toEqual(reasons);
    expect(c.ours).toBe(false);
  });

  it.each<[string, Partial<ParsedMail>]>([
    ['Auto-Submitted: no', { headers: { 'auto-submitted': [' No '] } }],
    ['Precedence: first-class', { headers: { precedence: ['first-class'] } }],
    ['X-Auto-Response-Suppress without All', { headers: { 'x-auto-response-suppress': ['OOF'] } }],
    ['a sender whose name merely contains postmaster', { from: { name: '', address: 'postmaster.jones@example.org' } }],
    ['no Return-Path header at all', { returnPath: null }],
  ])('given %s, then it is not automated', (_name, overrides) => {
    expect(classifyMail(mail(overrides), own).automated).toBe(false);
  });

  it('given multipart/report with report-type=delivery-status from the null sender, then it is a bounce and automated', () => {
    const c = classifyMail(
      mail({ returnPath: '', contentType: { value: 'multipart/report', params: { 'report-type': 'Delivery-Status' } } }),
      own,
    );
    expect(c.bounce).toBe(true);
    expect(c.automatedReasons).toEqual(['null-sender', 'bounce']);
  });

  it('given a multipart/report of another type (a read receipt), then it is not a bounce', () => {
    const c = classifyMail(mail({ contentType: { value: 'multipart/report', params: { 'report-type': 'disposition-notification' } } }), own);
    expect(c.bounce).toBe(false);
  });

  it.each<[string, Partial<ParsedMail>, OursReason[]]>([
    ['our X-Switchboard marker (any case)', { headers: { 'x-switchboard': [' SB-Main '] } }, ['marker']],
    ['a Message-ID on our domain', { messageId: 'conv-1.m-2@Mail.Help.Example.com' }, ['message-id-domain']],
    ['one of our system addresses as From', { from: { name: '', address: 'NoReply@help.example.com' } }, ['system-from']],
  ])('given %s, then it is ours', (_name, overrides, reasons) => {
    const c = classifyMail(mail(overrides), own);
    expect(c.ours).toBe(true);
    expect(c.oursReasons).toEqual(reasons);
  });

  it.each<[string, Partial<ParsedMail>]>([
    ['another instance marker', { headers: { 'x-switchboard': ['sb-other'] } }],
    ['a Message-ID on a subdomain of ours', { messageId: 'x@sub.mail.help.example.com' }],
    ['a Message-ID on the parent domain', { messageId: 'x@help.example.com' }],
  ])('given %s, then it is not ours', (_name, overrides) => {
    expect(classifyMail(mail(overrides), own).ours).toBe(false);
  });
});
