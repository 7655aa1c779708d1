import type { TagNode } from '../flow-types.js';
import type { NodeDefinition } from '../node-definition.js';

// Business labels ("billing", "vip") land on the call log for stats and filtering.
export const tagNode: NodeDefinition<TagNode> = {
  kind: 'tag',
  takesInput: false,
  enter(node) {
    return { addTags: node.tags, exit: 'next' };
  },
  on() {
    return {};
  },
};
