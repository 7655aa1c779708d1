import type { PlayNode } from '../flow-types.js';
import type { NodeDefinition } from '../node-definition.js';

// Prompts become one ARI playback with several media: Asterisk plays them back to back and
// sends one PlaybackFinished at the end.
export const playNode: NodeDefinition<PlayNode> = {
  kind: 'play',
  takesInput: false,
  enter(node, ctx) {
    const play = ctx.play(node.prompts);
    return { effects: [play], local: play.playbackId };
  },
  on(node, local, event) {
    if (event.type === 'playbackFinished' && event.playbackId === local) {
      return event.failed ? { error: { code: 'playback_failed', message: 'the prompt failed to play' } } : { exit: 'next' };
    }
    // The digit itself is already in the type-ahead buffer; barge-in only cuts the prompt short.
    if (event.type === 'dtmf' && node.bargein && typeof local === 'string') {
      return { effects: [{ type: 'stopPlayback', playbackId: local }], exit: 'next' };
    }
    return {};
  },
};
