import type { AcdConfigStore } from '../../../ports/acd-store.js';
import { ApiError } from '../../plugins/error-handler.js';
import type { QueueFields } from './schemas.js';

interface Problem { path: string; message: string }

// What the schema cannot check: references to skills and other queues, and step order. Every
// problem is reported at once, each with the field's path, in the shape of validation errors.
export function checkQueue(id: string, q: QueueFields, config: AcdConfigStore): void {
  const problems: Problem[] = [];
  const skills = new Set(config.listSkills().map((s) => s.id));
  const queues = new Set(config.listQueues().map((x) => x.id));
  const checkSkills = (path: string, reqs: { skill: string }[]) =>
    reqs.forEach((r, i) => {
      if (!skills.has(r.skill)) problems.push({ path: `${path}/${i}/skill`, message: `unknown skill '${r.skill}'` });
    });
  const checkTarget = (path: string, target: string) => {
    if (target === id) problems.push({ path, message: 'a queue cannot overflow into itself' });
    else if (!queues.has(target)) problems.push({ path, message: `unknown queue '${target}'` });
  };

  checkSkills('/skills', q.skills);
  if (q.overflowQueue !== null) checkTarget('/overflowQueue', q.overflowQueue);
  q.steps.forEach((step, i) => {
    const path = `/steps/${i}`;
    const previous = q.steps[i - 1];
    if (previous && step.afterSec <= previous.afterSec) {
      problems.push({ path: `${path}/afterSec`, message: `must be greater than the previous step's afterSec (${previous.afterSec}): steps apply in ascending order` });
    }
    if (step.skills) checkSkills(`${path}/skills`, step.skills);
    if (step.overflowQueue !== undefined) checkTarget(`${path}/overflowQueue`, step.overflowQueue);
    if (!step.skills && step.relaxProficiencyBy === undefined && !step.dropSkills?.length && step.overflowQueue === undefined) {
      problems.push({ path, message: 'a step must set skills, relaxProficiencyBy, dropSkills or overflowQueue' });
    }
  });
  if (problems.length) {
    throw new ApiError(400, 'bad_request', `invalid body: ${problems.map((p) => `body${p.path} ${p.message}`).join(', ')}`, problems);
  }
}

/** Queues that send callers to this one: deleting it would leave them pointing nowhere. */
export function queuesReferring(id: string, config: AcdConfigStore): string[] {
  return config
    .listQueues()
    .filter((q) => q.id !== id && (q.overflowQueue === id || q.steps.some((s) => s.overflowQueue === id)))
    .map((q) => q.id);
}
