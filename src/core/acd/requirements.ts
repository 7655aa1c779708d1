import type { RoutingStep, SkillRequirement } from './acd-types.js';

// What an interaction requires at a given routing step: the queue part (replaced by steps), the
// flow's own skills at proficiency 1 (dropped by steps), every minimum lowered by relaxations.

export function sortSteps(steps: RoutingStep[]): RoutingStep[] {
  return [...steps].sort((a, b) => a.afterSec - b.afterSec);
}

/** Index of the last step due after waiting `waitedMs` (-1: none yet). */
export function dueStep(steps: RoutingStep[], waitedMs: number): number {
  let i = -1;
  while (i + 1 < steps.length && steps[i + 1]!.afterSec * 1000 <= waitedMs) i++;
  return i;
}

export function requirementsAt(queueSkills: SkillRequirement[], steps: RoutingStep[], flowSkills: string[], step: number): SkillRequirement[] {
  let queuePart = new Map(queueSkills.map((r) => [r.skill, r.minProficiency]));
  const flow = new Set(flowSkills);
  for (let k = 0; k <= step && k < steps.length; k++) {
    const st = steps[k]!;
    if (st.skills) queuePart = new Map(st.skills.map((r) => [r.skill, r.minProficiency]));
    if (st.dropSkills) {
      if (st.dropSkills.includes('*')) flow.clear();
      else for (const skill of st.dropSkills) flow.delete(skill);
    }
    const relax = st.relaxProficiencyBy ?? 0;
    if (relax > 0) for (const [skill, min] of queuePart) queuePart.set(skill, Math.max(1, min - relax));
  }
  for (const skill of flow) queuePart.set(skill, Math.max(1, queuePart.get(skill) ?? 1));
  return [...queuePart].map(([skill, minProficiency]) => ({ skill, minProficiency }));
}

/** null when the agent's skills meet every requirement, else why not ('missing skill x', 'x 2 < 3'). */
export function skillGap(skills: ReadonlyMap<string, number>, requirements: SkillRequirement[]): string | null {
  for (const r of requirements) {
    const p = skills.get(r.skill);
    if (p === undefined) return `missing skill ${r.skill}`;
    if (p < r.minProficiency) return `${r.skill} ${p} < ${r.minProficiency}`;
  }
  return null;
}

export function meetsRequirements(skills: ReadonlyMap<string, number>, requirements: SkillRequirement[]): boolean {
  for (const r of requirements) {
    const p = skills.get(r.skill);
    if (p === undefined || p < r.minProficiency) return false;
  }
  return true;
}
