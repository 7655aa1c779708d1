import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CAPACITY, DEFAULT_OFFER_WHILE_BUSY } from '../../../src/core/acd/acd-types.js';
import { bearer, buildTestApp, T0, type TestApp } from './support.js';

interface ErrorBody { code: string; message: string; details?: { path: string; message: string }[] }

describe('the ACD configuration API: skills, agents, queues, pause reasons', () => {
  let t: TestApp;
  let admin: string;
  let supervisor: string;
  let agent: string;

  beforeEach(async () => {
    t = await buildTestApp();
    admin = t.keys.create('ops', 'admin', T0).key;
    supervisor = t.keys.create('wallboard', 'supervisor', T0).key;
    agent = t.keys.create('desk 4', 'agent', T0).key;
    t.acd.config.putSkill({ id: 'billing', description: 'Invoices' });
    t.acd.config.putSkill({ id: 'lang:fr', description: 'French' });
  });
  afterEach(() => t.close());

  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, key: string, payload?: unknown) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers: bearer(key), ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) });

  describe('skills', () => {
    it('given an admin, when a skill is put twice and listed by an agent key, then it is upserted', async () => {
      expect((await call('PUT', '/skills/vip', admin, { description: 'VIP' })).json()).toEqual({ id: 'vip', description: 'VIP' });
      expect((await call('PUT', '/skills/vip', admin, {})).json()).toEqual({ id: 'vip', description: '' });
      const list = await call('GET', '/skills', agent);
      expect(list.statusCode).toBe(200);
      expect(list.json()).toEqual([{ id: 'billing', description: 'Invoices' }, { id: 'lang:fr', description: 'French' }, { id: 'vip', description: '' }]);
    });

    it('given a supervisor, when it puts a skill, then it is 403 (admin only)', async () => {
      expect((await call('PUT', '/skills/vip', supervisor, {})).statusCode).toBe(403);
      expect((await call('DELETE', '/skills/billing', supervisor)).statusCode).toBe(403);
    });

    it('given a bad skill id, when put, then it is 400 naming the parameter', async () => {
      const res = await call('PUT', '/skills/Bad%20Id', admin, {});
      expect(res.statusCode).toBe(400);
      expect(res.json<ErrorBody>().message).toMatch(/params\/id/);
    });

    it('given a skill an agent and a queue use, when deleted, then it is 409 naming them; unused, it is 204; unknown, 404', async () => {
      await call('POST', '/agents', admin, { id: 'alice', name: 'Alice', skills: { billing: 3 } });
      await call('POST', '/queues', admin, { id: 'support', name: 'Support', steps: [{ afterSec: 30, skills: [{ skill: 'lang:fr' }] }] });
      const billing = await call('DELETE', '/skills/billing', admin);
      expect(billing.statusCode).toBe(409);
      expect(billing.json()).toMatchObject({ code: 'skill_in_use', details: { agents: ['alice'], queues: [] } });
      const fr = await call('DELETE', '/skills/lang:fr', admin);
      expect(fr.statusCode).toBe(409);
      expect(fr.json()).toMatchObject({ details: { agents: [], queues: ['support'] } });
      await call('PUT', '/skills/vip', admin, {});
      expect((await call('DELETE', '/skills/vip', admin)).statusCode).toBe(204);
      expect((await call('DELETE', '/skills/vip', admin)).statusCode).toBe(404);
    });
  });

  describe('agents', () => {
    it('given only id and name, when an admin creates an agent, then it is 201 with defaults, the live view and an ACD reload', async () => {
      const res = await call('POST', '/agents', admin, { id: 'alice', name: 'Alice' });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({
        id: 'alice', name: 'Alice', endpoints: [], skills: {}, capacity: DEFAULT_CAPACITY, offerWhileBusy: DEFAULT_OFFER_WHILE_BUSY,
        live: { id: 'alice', status: 'loggedOut', statusSince: new Date(t.clock.now).toISOString(), wrapUpUntil: null },
      });
      expect(t.acd.control.reloads).toBe(1);
      expect(t.acd.config.getAgent('alice')?.capacity).toEqual(DEFAULT_CAPACITY);
    });

    it('given a full agent, when created, then partial capacity and offerWhileBusy are completed per channel', async () => {
      const res = await call('POST', '/agents', admin, {
        id: 'bob', name: 'Bob', endpoints: ['PJSIP/1001', 'SIP/bob@pbx:5060'], skills: { billing: 5, 'lang:fr': 1 }, capacity: { chat: 5 }, offerWhileBusy: { voice: ['chat'] },
      });
      expect(res.statusCode).toBe(201);
      expect(t.acd.config.getAgent('bob')).toEqual({
        id: 'bob', name: 'Bob', endpoints: ['PJSIP/1001', 'SIP/bob@pbx:5060'], skills: { billing: 5, 'lang:fr': 1 },
        capacity: { ...DEFAULT_CAPACITY, chat: 5 }, offerWhileBusy: { ...DEFAULT_OFFER_WHILE_BUSY, voice: ['chat'] },
      });
    });

    it.each([
      ['a bad id', { id: 'Alice!', name: 'A' }, 'body/id'],
      ['a missing name', { id: 'alice' }, 'name'],
      ['a bad endpoint', { id: 'alice', name: 'A', endpoints: ['1001'] }, 'body/endpoints/0'],
      ['a proficiency of 6', { id: 'alice', name: 'A', skills: { billing: 6 } }, 'body/skills/billing'],
      ['a proficiency of 0', { id: 'alice', name: 'A', skills: { billing: 0 } }, 'body/skills/billing'],
      ['a fractional proficiency', { id: 'alice', name: 'A', skills: { billing: 2.5 } }, 'body/skills/billing'],
      ['a capacity of 21', { id: 'alice', name: 'A', capacity: { voice: 21 } }, 'body/capacity/voice'],
      ['an unknown channel', { id: 'alice', name: 'A', capacity: { fax: 1 } }, 'body/capacity'],
      ['an unknown offerWhileBusy channel', { id: 'alice', name: 'A', offerWhileBusy: { chat: ['fax'] } }, 'body/offerWhileBusy/chat/0'],
      ['an extra field', { id: 'alice', name: 'A', team: 'x' }, 'body'],
    ])('given %s, when an agent is created, then it is 400 naming the field', async (_what, body, field) => {
      const res = await call('POST', '/agents', admin, body);
      expect(res.statusCode).toBe(400);
      expect(res.json<ErrorBody>().code).toBe('bad_request');
      expect(res.json<ErrorBody>().message).toContain(field);
      expect(t.acd.config.listAgents()).toEqual([]);
      expect(t.acd.control.reloads).toBe(0);
    });

    it('given unknown skills, when an agent is created, then it is 400 listing every unknown one', async () => {
      const res = await call('POST', '/agents', admin, { id: 'alice', name: 'A', skills: { billing: 2, vip: 3, 'lang:de': 1 } });
      expect(res.statusCode).toBe(400);
      const body = res.json<ErrorBody>();
      expect(body.message).toMatch(/skills: unknown skills vip, lang:de/);
      expect(body.details).toEqual([{ path: '/skills/vip', message: 'unknown skill' }, { path: '/skills/lang:de', message: 'unknown skill' }]);
    });

    it("given another agent's endpoint, when an agent is created with it, then it is 400 naming the owner", async () => {
      await call('POST', '/agents', admin, { id: 'alice', name: 'A', endpoints: ['PJSIP/1001'] });
      const res = await call('POST', '/agents', admin, { id: 'bob', name: 'B', endpoints: ['PJSIP/1002', 'PJSIP/1001'] });
      expect(res.statusCode).toBe(400);
      expect(res.json<ErrorBody>()).toMatchObject({ message: "endpoints: PJSIP/1001 already belongs to agent 'alice'", details: [{ path: '/endpoints/1' }] });
      // Its own endpoints are no conflict when the agent is replaced.
      expect((await call('PUT', '/agents/alice', admin, { name: 'A', endpoints: ['PJSIP/1001'] })).statusCode).toBe(200);
    });

    it('given an existing id, when created again, then it is 409', async () => {
      await call('POST', '/agents', admin, { id: 'alice', name: 'A' });
      const res = await call('POST', '/agents', admin, { id: 'alice', name: 'B' });
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ code: 'agent_exists' });
    });

    it('given an agent, when replaced, then fields left out return to their defaults; unknown agent is 404', async () => {
      await call('POST', '/agents', admin, { id: 'alice', name: 'A', skills: { billing: 2 }, capacity: { voice: 0 } });
      const res = await call('PUT', '/agents/alice', admin, { name: 'Alice' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ id: 'alice', name: 'Alice', skills: {}, capacity: DEFAULT_CAPACITY });
      expect(t.acd.control.reloads).toBe(2);
      expect((await call('PUT', '/agents/bob', admin, { name: 'Bob' })).statusCode).toBe(404);
    });

    it('given agents, when a supervisor lists them, then each has its config and live view; an agent key is refused', async () => {
      await call('POST', '/agents', admin, { id: 'bob', name: 'Bob' });
      await call('POST', '/agents', admin, { id: 'alice', name: 'Alice' });
      t.acd.control.login('alice', 'test');
      const res = await call('GET', '/agents', supervisor);
      expect(res.statusCode).toBe(200);
      expect(res.json<{ id: string; live: { status: string } }[]>().map((a) => [a.id, a.live.status])).toEqual([['alice', 'available'], ['bob', 'loggedOut']]);
      expect((await call('GET', '/agents', agent)).statusCode).toBe(403);
    });

    it('given an agent, when deleted by an admin, then it is 204, gone, the ACD reloads; again 404; a supervisor is refused', async () => {
      await call('POST', '/agents', admin, { id: 'alice', name: 'A' });
      expect((await call('DELETE', '/agents/alice', supervisor)).statusCode).toBe(403);
      expect((await call('DELETE', '/agents/alice', admin)).statusCode).toBe(204);
      expect(t.acd.config.getAgent('alice')).toBeUndefined();
      expect(t.acd.control.reloads).toBe(2);
      expect((await call('DELETE', '/agents/alice', admin)).statusCode).toBe(404);
      expect((await call('GET', '/agents/alice', supervisor)).statusCode).toBe(404);
    });
  });

  describe('queues', () => {
    it('given only id and name, when an admin creates a queue, then every field takes its default', async () => {
      const res = await call('POST', '/queues', admin, { id: 'support', name: 'Support' });
      expect(res.statusCode).toBe(201);
      const expected = {
        id: 'support', name: 'Support', skills: [], priority: 0, strategy: 'longest-idle', ringTimeoutSec: 15, wrapUpSec: 10, maxWaitSec: null, maxLength: null,
        joinWhenEmpty: true, leaveWhenEmpty: false, serviceLevelSec: 20, hold: { moh: 'default', announceEverySec: 60, announcePosition: true, announceWait: true },
        overflowQueue: null, steps: [], ronaMaxMisses: 1, preferredAgentSec: 0, recording: { mode: 'never', consentPrompt: null, retentionDays: null },
      };
      expect(res.json()).toEqual(expected);
      expect(t.acd.config.getQueue('support')).toEqual(expected);
      expect(t.acd.control.reloads).toBe(1);
      expect((await call('GET', '/queues', agent)).json()).toEqual([expected]);
      expect((await call('GET', '/queues/support', agent)).json()).toEqual(expected);
      expect((await call('GET', '/queues/nope', agent)).statusCode).toBe(404);
    });

    it('given a full queue with overflow and steps, when created, then it is stored as given', async () => {
      await call('POST', '/queues', admin, { id: 'sales', name: 'Sales' });
      const body = {
        id: 'support', name: 'Support', skills: [{ skill: 'billing', minProficiency: 3 }], priority: 10, strategy: 'skill-weighted', ringTimeoutSec: 20, wrapUpSec: 0,
        maxWaitSec: 600, maxLength: 50, joinWhenEmpty: false, leaveWhenEmpty: true, serviceLevelSec: 30,
        hold: { moh: 'jazz', announceEverySec: null, announcePosition: false, announceWait: true }, overflowQueue: 'sales',
        steps: [{ afterSec: 30, relaxProficiencyBy: 1 }, { afterSec: 60, skills: [{ skill: 'lang:fr', minProficiency: 1 }], dropSkills: ['*'] }, { afterSec: 120, overflowQueue: 'sales' }],
        ronaMaxMisses: 3, preferredAgentSec: 60, recording: { mode: 'all', consentPrompt: 'sound:beep', retentionDays: 90 },
      };
      const res = await call('POST', '/queues', admin, body);
      expect(res.statusCode).toBe(201);
      expect(t.acd.config.getQueue('support')).toEqual(body);
    });

    it.each([
      ['an unknown strategy', { strategy: 'fastest' }, 'body/strategy'],
      ['priority 101', { priority: 101 }, 'body/priority'],
      ['a fractional priority', { priority: 1.5 }, 'body/priority'],
      ['ringTimeoutSec 4', { ringTimeoutSec: 4 }, 'body/ringTimeoutSec'],
      ['ringTimeoutSec 121', { ringTimeoutSec: 121 }, 'body/ringTimeoutSec'],
      ['wrapUpSec 3601', { wrapUpSec: 3601 }, 'body/wrapUpSec'],
      ['maxWaitSec 9', { maxWaitSec: 9 }, 'body/maxWaitSec'],
      ['maxWaitSec 86401', { maxWaitSec: 86401 }, 'body/maxWaitSec'],
      // 0 is the trap: a nullable union under coerceTypes would read it as null (no limit).
      ['maxLength 0', { maxLength: 0 }, 'body/maxLength'],
      ['maxWaitSec 0', { maxWaitSec: 0 }, 'body/maxWaitSec'],
      ['hold.announceEverySec 0', { hold: { announceEverySec: 0 } }, 'body/hold/announceEverySec'],
      ['maxLength 10001', { maxLength: 10001 }, 'body/maxLength'],
      ['joinWhenEmpty as text', { joinWhenEmpty: 'maybe' }, 'body/joinWhenEmpty'],
      ['hold.announceEverySec 5', { hold: { announceEverySec: 5 } }, 'body/hold/announceEverySec'],
      ['an unknown hold field', { hold: { volume: 3 } }, 'body/hold'],
      ['ronaMaxMisses 0', { ronaMaxMisses: 0 }, 'body/ronaMaxMisses'],
      ['ronaMaxMisses 11', { ronaMaxMisses: 11 }, 'body/ronaMaxMisses'],
      ['preferredAgentSec 601', { preferredAgentSec: 601 }, 'body/preferredAgentSec'],
      ['a minProficiency of 6', { skills: [{ skill: 'billing', minProficiency: 6 }] }, 'body/skills/0/minProficiency'],
      ['a step without afterSec', { steps: [{ relaxProficiencyBy: 1 }] }, 'body/steps/0'],
      ['an unknown skill', { skills: [{ skill: 'vip' }] }, 'body/skills/0/skill'],
      ['an unknown overflow queue', { overflowQueue: 'nowhere' }, 'body/overflowQueue'],
      ['itself as overflow queue', { overflowQueue: 'support' }, 'body/overflowQueue'],
      ['steps out of order', { steps: [{ afterSec: 60, relaxProficiencyBy: 1 }, { afterSec: 30, relaxProficiencyBy: 1 }] }, 'body/steps/1/afterSec'],
      ['a step overflowing to an unknown queue', { steps: [{ afterSec: 60, overflowQueue: 'nowhere' }] }, 'body/steps/0/overflowQueue'],
      ['a step naming an unknown skill', { steps: [{ afterSec: 60, skills: [{ skill: 'vip' }] }] }, 'body/steps/0/skills/0/skill'],
      ['a step that changes nothing', { steps: [{ afterSec: 60 }] }, 'body/steps/0'],
    ])('given %s, when a queue is created, then it is 400 naming the field', async (_what, fields, field) => {
      const res = await call('POST', '/queues', admin, { id: 'support', name: 'Support', ...fields });
      expect(res.statusCode).toBe(400);
      expect(res.json<ErrorBody>().code).toBe('bad_request');
      expect(res.json<ErrorBody>().message).toContain(field);
      expect(t.acd.config.getQueue('support')).toBeUndefined();
    });

    it('given a queue, when replaced, then it is 200 and omitted fields reset; unknown is 404; existing id on POST is 409', async () => {
      await call('POST', '/queues', admin, { id: 'support', name: 'Support', wrapUpSec: 60 });
      const res = await call('PUT', '/queues/support', admin, { name: 'Support desk', strategy: 'ring-all' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ name: 'Support desk', strategy: 'ring-all', wrapUpSec: 10 });
      expect((await call('PUT', '/queues/nope', admin, { name: 'x' })).statusCode).toBe(404);
      expect((await call('POST', '/queues', admin, { id: 'support', name: 'x' })).json()).toMatchObject({ code: 'queue_exists' });
      expect((await call('PUT', '/queues/support', supervisor, { name: 'x' })).statusCode).toBe(403);
    });

    it('given a queue another overflows into, when deleted, then it is 409; once unreferenced, 204', async () => {
      await call('POST', '/queues', admin, { id: 'sales', name: 'Sales' });
      await call('POST', '/queues', admin, { id: 'support', name: 'Support', steps: [{ afterSec: 60, overflowQueue: 'sales' }] });
      const res = await call('DELETE', '/queues/sales', admin);
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ code: 'queue_in_use', details: { queues: ['support'] } });
      expect((await call('DELETE', '/queues/support', admin)).statusCode).toBe(204);
      expect((await call('DELETE', '/queues/sales', admin)).statusCode).toBe(204);
      expect((await call('DELETE', '/queues/sales', admin)).statusCode).toBe(404);
    });
  });

  describe('pause reasons', () => {
    it('given an agent key, when the reasons are listed, then the seeded ones come back', async () => {
      const res = await call('GET', '/pause-reasons', agent);
      expect(res.statusCode).toBe(200);
      expect(res.json<{ code: string }[]>().map((r) => r.code)).toEqual(['back-office', 'break', 'lunch', 'no-answer', 'training']);
    });

    it('given an admin, when a reason is put and deleted, then the ACD reloads each time', async () => {
      expect((await call('PUT', '/pause-reasons/coaching', admin, { label: 'Coaching', productive: true })).json()).toEqual({ code: 'coaching', label: 'Coaching', productive: true });
      expect((await call('PUT', '/pause-reasons/lunch', admin, { label: 'Meal' })).json()).toEqual({ code: 'lunch', label: 'Meal', productive: false });
      expect((await call('DELETE', '/pause-reasons/coaching', admin)).statusCode).toBe(204);
      expect(t.acd.control.reloads).toBe(3);
      expect((await call('DELETE', '/pause-reasons/coaching', admin)).statusCode).toBe(404);
    });

    it("given 'no-answer', when deleted, then it is 409: the ACD sets it itself", async () => {
      const res = await call('DELETE', '/pause-reasons/no-answer', admin);
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ code: 'reason_protected' });
      expect(t.acd.config.listPauseReasons().map((r) => r.code)).toContain('no-answer');
    });

    it('given a bad body or a supervisor, when a reason is put, then it is 400 or 403', async () => {
      const bad = await call('PUT', '/pause-reasons/coaching', admin, { label: '' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json<ErrorBody>().message).toContain('body/label');
      expect((await call('PUT', '/pause-reasons/coaching', supervisor, { label: 'x' })).statusCode).toBe(403);
    });
  });
});
