import { describe, expect, it } from 'vitest';
import { decideOutcome } from '../../../../src/core/calls/outcome.js';
import { outcomeScenarios } from './journal-fixtures.js';

describe('call outcome', () => {
  it.each(outcomeScenarios.map((s) => [s.name, s] as const))('given %s, then the outcome follows the rules', (_name, s) => {
    expect(decideOutcome({ status: s.status, endReason: s.endReason }, s.journal.events, s.journal.acd)).toBe(s.outcome);
  });
});
