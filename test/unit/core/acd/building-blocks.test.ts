import { describe, expect, it } from 'vitest';
import { dueStep, requirementsAt, skillGap } from '../../../../src/core/acd/requirements.js';
import { compareKeys, SortedList } from '../../../../src/core/acd/sorted-list.js';
import { estimateWaitSec } from '../../../../src/core/acd/ewt.js';

describe('SortedList', () => {
  const key = (effArrival: number, seq: number) => ({ effArrival, seq });

  it('given thousands of items inserted in random order (several blocks), then it iterates in order and finds places', () => {
    const list = new SortedList(compareKeys);
    const items = Array.from({ length: 3000 }, (_, k) => key((k * 7919) % 1000, k));
    for (const x of items) list.insert(x);
    const sorted = [...items].sort(compareKeys);
    expect(list.toArray()).toEqual(sorted);
    expect(list.size).toBe(3000);
    expect(list.indexOf(sorted[1234]!)).toBe(1234);
    expect(list.indexOf(key(5, 99_999))).toBe(-1);
  });

  it('given removals from the front and the middle, then order and size hold and removed items are gone', () => {
    const list = new SortedList(compareKeys);
    const items = Array.from({ length: 2000 }, (_, k) => key(k, k));
    for (const x of items) list.insert(x);
    for (let k = 0; k < 1500; k += 2) expect(list.remove(items[k]!)).toBe(true);
    expect(list.remove(items[0]!)).toBe(false);
    expect(list.size).toBe(1250);
    expect(list.toArray()[0]).toBe(items[1]);
    expect(list.after(items[1]!)).toBe(items[3]);
    expect(list.after(null)).toBe(items[1]);
    expect(list.find((x) => x.effArrival > 1600)).toBe(items[1601]);
  });

  it('given a cursor, then it walks every item in order across blocks', () => {
    const list = new SortedList(compareKeys);
    for (let k = 1200; k > 0; k--) list.insert(key(k, k));
    const seen: number[] = [];
    for (const c = list.cursor(); c.peek(); c.next()) seen.push(c.peek()!.effArrival);
    expect(seen).toEqual(Array.from({ length: 1200 }, (_, k) => k + 1));
  });
});

describe('requirements at a step', () => {
  const queueSkills = [{ skill: 'billing', minProficiency: 4 }];

  it('given steps, then they apply cumulatively in order: relax, replace, drop', () => {
    const steps = [{ afterSec: 10, relaxProficiencyBy: 1 }, { afterSec: 20, skills: [{ skill: 'general', minProficiency: 3 }] }, { afterSec: 30, relaxProficiencyBy: 5, dropSkills: ['fr'] }];
    expect(requirementsAt(queueSkills, steps, ['fr', 'vip'], -1)).toEqual([
      { skill: 'billing', minProficiency: 4 },
      { skill: 'fr', minProficiency: 1 },
      { skill: 'vip', minProficiency: 1 },
    ]);
    expect(requirementsAt(queueSkills, steps, ['fr'], 0)).toEqual([
      { skill: 'billing', minProficiency: 3 },
      { skill: 'fr', minProficiency: 1 },
    ]);
    expect(requirementsAt(queueSkills, steps, ['fr'], 1)).toEqual([
      { skill: 'general', minProficiency: 3 },
      { skill: 'fr', minProficiency: 1 },
    ]);
    expect(requirementsAt(queueSkills, steps, ['fr', 'vip'], 2)).toEqual([
      { skill: 'general', minProficiency: 1 },
      { skill: 'vip', minProficiency: 1 },
    ]);
  });

  it('given waited times, then the due step is the last one reached', () => {
    const steps = [{ afterSec: 10 }, { afterSec: 10 }, { afterSec: 30 }];
    expect([0, 9_999, 10_000, 29_999, 30_000, 99_000].map((ms) => dueStep(steps, ms))).toEqual([-1, -1, 1, 1, 2, 2]);
  });

  it('given an agent skill map, then the first gap is named', () => {
    const skills = new Map([['billing', 2]]);
    expect(skillGap(skills, [{ skill: 'billing', minProficiency: 3 }])).toBe('billing 2 < 3');
    expect(skillGap(skills, [{ skill: 'fr', minProficiency: 1 }])).toBe('missing skill fr');
    expect(skillGap(skills, [{ skill: 'billing', minProficiency: 2 }])).toBeNull();
  });
});

describe('EWT formula', () => {
  it.each([
    [1, 180, 2, 90],
    [3, 180, 2, 270],
    [5, 100, 3, 167],
    [1, 180, 0, null],
  ])('given position %s, AHT %s s and %s staffed, then EWT is %s s', (k, aht, n, expected) => {
    expect(estimateWaitSec(k, aht, n)).toBe(expected);
  });
});
