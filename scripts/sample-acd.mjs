#!/usr/bin/env node
// Sample ACD configuration for `npm run up`: skills, three agents on the sample softphones
// 1001-1003 and the three queues the sample main flow uses. Idempotent: PUT where it exists,
// POST where it does not. Agents are left logged out; log one in with
//   curl -X POST -H "Authorization: Bearer $KEY" http://127.0.0.1:3000/api/v1/agents/alice/login
const [base = 'http://127.0.0.1:3000', key = process.env.SWITCHBOARD_KEY] = process.argv.slice(2);
if (!key) {
  console.error('usage: sample-acd.mjs <base url> <admin key>');
  process.exit(2);
}

const call = async (method, path, body) => {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, text: await res.text() };
};

const upsert = async (collection, item) => {
  const { id, ...body } = item;
  const put = await call('PUT', `/api/v1/${collection}/${id}`, body);
  if (put.status === 404) {
    const post = await call('POST', `/api/v1/${collection}`, item);
    if (post.status >= 300) throw new Error(`${collection}/${item.id}: ${post.status} ${post.text}`);
  } else if (put.status >= 300) throw new Error(`${collection}/${item.id}: ${put.status} ${put.text}`);
};

for (let i = 0; i < 60; i++) {
  try {
    if ((await fetch(`${base}/api/v1/health`)).ok) break;
  } catch {}
  await new Promise((r) => setTimeout(r, 500));
}

for (const [id, description] of [
  ['billing', 'Invoices, payments, refunds'],
  ['support', 'Product support'],
  ['lang:en', 'Speaks English'],
  ['lang:fr', 'Parle français'],
]) {
  const res = await call('PUT', `/api/v1/skills/${encodeURIComponent(id)}`, { description });
  if (res.status >= 300) throw new Error(`skill ${id}: ${res.status} ${res.text}`);
}

const agents = [
  { id: 'alice', name: 'Alice', endpoints: ['PJSIP/1001'], skills: { billing: 4, support: 2, 'lang:en': 5, 'lang:fr': 3 } },
  { id: 'bob', name: 'Bob', endpoints: ['PJSIP/1002'], skills: { support: 5, 'lang:en': 5 } },
  { id: 'chloe', name: 'Chloé', endpoints: ['PJSIP/1003'], skills: { support: 3, billing: 2, 'lang:fr': 5, 'lang:en': 3 } },
];
const queues = [
  { id: 'vip', name: 'VIP billing', skills: [{ skill: 'billing', minProficiency: 3 }], priority: 10, strategy: 'skill-weighted', overflowQueue: 'billing', maxWaitSec: 120, recording: { mode: 'all', retentionDays: 365 } },
  { id: 'billing', name: 'Billing', skills: [{ skill: 'billing', minProficiency: 1 }], steps: [{ afterSec: 60, dropSkills: ['*'] }], recording: { mode: 'all', retentionDays: 90 } },
  { id: 'support', name: 'Support', skills: [{ skill: 'support', minProficiency: 1 }], steps: [{ afterSec: 45, relaxProficiencyBy: 2 }, { afterSec: 90, dropSkills: ['*'] }], recording: { mode: 'onDemand', retentionDays: 30 } },
];
for (const q of [...queues].reverse()) await upsert('queues', q);
for (const a of agents) await upsert('agents', a);
console.log(`sample ACD ready: agents ${agents.map((a) => a.id).join(', ')}; queues ${queues.map((q) => q.id).join(', ')}`);
