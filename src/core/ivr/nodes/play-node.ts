import type { PlayNode } from '../flow-types.js';
import type { NodeDefinition } from '../node-definition.js';

// Prompts are ARI media URIs after compilation ("sound:hello-world", "recording:x"): one play
// request with several media plays them back to back inside Asterisk, one PlaybackFinished at the end.
export const playNode: NodeDefinition<PlayNode> = {
  kind: 'play',
  enter(node, newId) {
    const playbackId = newId('p');
    return {
      effects: [{ type: 'play', playbackId, media: node.prompts }],
      wait: { kind: 'playback', id: playbackId },
    };
  },
  resume(node) {
    return { effects: [], next: node.next };
  },
};
