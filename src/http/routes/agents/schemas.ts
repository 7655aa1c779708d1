import { Type, type Static } from 'typebox';
import { DEFAULT_CAPACITY, DEFAULT_OFFER_WHILE_BUSY, type Channel } from '../../../core/acd/acd-types.js';
import { AcdId, AgentViewSchema, ChannelSchema, SKILL_PATTERN } from '../acd/schemas.js';

export const ENDPOINT_PATTERN = '^[A-Za-z0-9]+/[A-Za-z0-9+*#_.@:-]+$';

const capacity = (ch: Channel) => Type.Integer({ minimum: 0, maximum: 20, default: DEFAULT_CAPACITY[ch], description: `Concurrent ${ch} interactions (0: never offered ${ch})` });
const busy = (ch: Channel) =>
  Type.Array(ChannelSchema, { uniqueItems: true, maxItems: 4, default: [...DEFAULT_OFFER_WHILE_BUSY[ch]], description: `Channels still offered while working a ${ch} interaction` });

const agentFields = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  endpoints: Type.Array(Type.String({ pattern: ENDPOINT_PATTERN, maxLength: 128 }), {
    uniqueItems: true,
    maxItems: 10,
    default: [],
    description: 'Dial strings of the agent’s softphones, e.g. PJSIP/1001',
  }),
  skills: Type.Record(Type.String({ pattern: SKILL_PATTERN }), Type.Integer({ minimum: 1, maximum: 5 }), {
    additionalProperties: false,
    maxProperties: 200,
    default: {},
    description: 'Skill id -> proficiency 1-5; every skill must exist in /api/v1/skills',
  }),
  capacity: Type.Object(
    { voice: capacity('voice'), chat: capacity('chat'), email: capacity('email'), callback: capacity('callback') },
    { additionalProperties: false, default: {} },
  ),
  offerWhileBusy: Type.Object(
    { voice: busy('voice'), chat: busy('chat'), email: busy('email'), callback: busy('callback') },
    { additionalProperties: false, default: {} },
  ),
};

export const AgentBody = Type.Object(agentFields, { additionalProperties: false });
export const NewAgentBody = Type.Object({ id: AcdId('Agent id'), ...agentFields }, { additionalProperties: false });
export type AgentFields = Static<typeof AgentBody>;

const ChannelList = Type.Array(ChannelSchema);
export const AgentSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  endpoints: Type.Array(Type.String()),
  skills: Type.Record(Type.String(), Type.Integer()),
  capacity: Type.Object({ voice: Type.Integer(), chat: Type.Integer(), email: Type.Integer(), callback: Type.Integer() }),
  offerWhileBusy: Type.Object({ voice: ChannelList, chat: ChannelList, email: ChannelList, callback: ChannelList }),
  live: Type.Union([AgentViewSchema, Type.Null()], { description: 'The agent in the ACD now; null until the ACD has loaded it' }),
});

export const PauseBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 64, description: 'A pause reason code from /api/v1/pause-reasons' }) },
  { additionalProperties: false },
);
export const ExtendBody = Type.Object(
  { seconds: Type.Integer({ minimum: 1, maximum: 3600, description: 'More wrap-up time' }) },
  { additionalProperties: false },
);
