import { evaluateCalendar } from '../../calendar/evaluate-calendar.js';
import type { HoursNode } from '../flow-types.js';
import type { NodeDefinition } from '../node-definition.js';

// A named exception wired in the flow wins; an unwired one means what its calendar says
// (open/closed/holiday), and an unwired holiday means closed.
export const hoursNode: NodeDefinition<HoursNode> = {
  kind: 'hours',
  takesInput: false,
  enter(node, ctx) {
    const result = evaluateCalendar(node.calendar, ctx.at, ctx.calendarOverride(node.calendar.id));
    let exit: string = result.outcome;
    if (result.exception && ctx.isWired(result.exception)) exit = result.exception;
    else if (exit === 'holiday' && !ctx.isWired('holiday')) exit = 'closed';
    return {
      exit,
      journal: [{ event: 'hours.checked', data: { nodeId: node.id, calendar: node.calendar.id, ...result } }],
    };
  },
  on() {
    return {};
  },
};
