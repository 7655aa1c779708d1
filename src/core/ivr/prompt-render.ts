import { DateTime } from 'luxon';
import { ExpressionError, type ExprScope } from '../expr/expression.js';
import type { PromptPart, PromptRef, SayAs } from './flow-types.js';

/** The best of `available` for `wanted`: exact, then the language alone (fr-CA → fr), then the first. */
export function pickLocale(available: readonly string[], wanted: string): string {
  if (available.includes(wanted)) return wanted;
  const language = wanted.split('-')[0] ?? wanted;
  return available.find((l) => l === language) ?? available.find((l) => l.split('-')[0] === language) ?? available[0] ?? wanted;
}

/** ARI media URIs for prompts in one locale; say-as parts are evaluated now. */
export function renderPrompts(prompts: PromptRef[], locale: string, scope: ExprScope, timezone: string): string[] {
  const media: string[] = [];
  for (const prompt of prompts) {
    const locales = Object.keys(prompt.byLocale);
    const parts: PromptPart[] = prompt.byLocale[pickLocale(locales, locale)] ?? [];
    for (const part of parts) {
      if (part.kind === 'media') media.push(part.uri);
      else media.push(...sayAs(part.as, part.value.value(scope), timezone));
    }
  }
  return media;
}

// Asterisk has number:/digits:/characters: media; dates and times are built from the core
// sounds the way SayUnixTime does in English (day, month, ordinal, year).
function sayAs(as: SayAs, value: unknown, timezone: string): string[] {
  const text = value === null || value === undefined ? '' : String(value);
  switch (as) {
    case 'number': {
      const n = Number(text);
      if (text === '' || !Number.isFinite(n)) throw new ExpressionError(`say-as number: '${text}' is not a number`, 0);
      return [`number:${Math.trunc(n)}`];
    }
    case 'digits':
      if (!/^[0-9]+$/.test(text)) throw new ExpressionError(`say-as digits: '${text}' is not a string of digits`, 0);
      return [`digits:${text}`];
    case 'characters':
      if (!/^[A-Za-z0-9]+$/.test(text)) throw new ExpressionError(`say-as characters: '${text}' must be letters and digits`, 0);
      return [`characters:${text}`];
    case 'date': {
      const d = toDateTime(value, timezone);
      return [`sound:digits/day-${d.weekday % 7}`, `sound:digits/mon-${d.month - 1}`, `sound:digits/h-${d.day}`, `number:${d.year}`];
    }
    case 'time': {
      const d = toDateTime(value, timezone);
      const hour12 = d.hour % 12 === 0 ? 12 : d.hour % 12;
      const minutes = d.minute === 0 ? ['sound:digits/oclock'] : d.minute < 10 ? ['sound:digits/oh', `number:${d.minute}`] : [`number:${d.minute}`];
      return [`number:${hour12}`, ...minutes, d.hour < 12 ? 'sound:digits/a-m' : 'sound:digits/p-m'];
    }
  }
}

function toDateTime(value: unknown, timezone: string): DateTime {
  const d =
    typeof value === 'number'
      ? DateTime.fromMillis(value, { zone: timezone })
      : /^\d\d:\d\d$/.test(String(value))
        ? DateTime.fromISO(`2000-01-01T${String(value)}`, { zone: timezone })
        : DateTime.fromISO(String(value), { zone: timezone });
  if (!d.isValid) throw new ExpressionError(`say-as: '${String(value)}' is not a date or time`, 0);
  return d;
}
