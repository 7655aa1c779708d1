import type { NodeRegistry } from './node-definition.js';
import { collectNode } from './nodes/collect-node.js';
import { hangupNode } from './nodes/hangup-node.js';
import { hoursNode } from './nodes/hours-node.js';
import { httpNode } from './nodes/http-node.js';
import { menuNode } from './nodes/menu-node.js';
import { pauseNode } from './nodes/pause-node.js';
import { playNode } from './nodes/play-node.js';
import { queueNode } from './nodes/queue-node.js';
import { returnNode } from './nodes/return-node.js';
import { sendDtmfNode } from './nodes/send-dtmf-node.js';
import { setNode } from './nodes/set-node.js';
import { subflowNode } from './nodes/subflow-node.js';
import { switchNode } from './nodes/switch-node.js';
import { tagNode } from './nodes/tag-node.js';
import { transferNode } from './nodes/transfer-node.js';
import { voicemailNode } from './nodes/voicemail-node.js';

// Typed as a complete map: adding a node kind to FlowNode without a definition is a compile error.
export const nodeRegistry: NodeRegistry = {
  play: playNode,
  pause: pauseNode,
  hangup: hangupNode,
  menu: menuNode,
  collect: collectNode,
  switch: switchNode,
  set: setNode,
  hours: hoursNode,
  http: httpNode,
  subflow: subflowNode,
  return: returnNode,
  queue: queueNode,
  transfer: transferNode,
  voicemail: voicemailNode,
  sendDtmf: sendDtmfNode,
  tag: tagNode,
};
