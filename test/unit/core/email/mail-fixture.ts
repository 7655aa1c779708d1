import type { ParsedMail } from '../../../../src/core/email/parsed-mail.js';

/** A plain customer mail; each test overrides only what its scenario is about. */
export function mail(overrides: Partial<ParsedMail> = {}): ParsedMail {
  return {
    messageId: 'm1@mail.example.org',
    inReplyTo: null,
    references: [],
    subject: 'Help',
    from: { name: 'Anna', address: 'anna@example.org' },
    to: [{ name: 'Support', address: 'support@help.example.com' }],
    cc: [],
    replyTo: [],
    deliveredTo: null,
    returnPath: 'anna@example.org',
    date: null,
    contentType: { value: 'text/plain', params: {} },
    headers: {},
    text: 'hello',
    html: null,
    attachments: [],
    deliveryReport: null,
    ...overrides,
  };
}
