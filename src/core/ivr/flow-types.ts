import type { Calendar } from '../calendar/calendar-types.js';
import type { CompiledExpression } from '../expr/expression.js';
import type { CompiledTemplate } from '../expr/template.js';

// The compiled flow: what the runtime executes. The loader (adapters/flows) turns files into this
// after both validation passes; everything is resolved here (exits, prompts per locale, calendars)
// so a running call never looks anything up that could be missing.

/** Where an outcome leads. `target: null` means no route anywhere: the caller goes to the dialplan fallback. */
export interface Exit {
  target: string | null;
  /** Where the route came from, for the validator's fallback report and the graph. */
  via: 'node' | 'defaults' | 'flow-error' | 'implicit' | 'none';
}

export type SayAs = 'number' | 'digits' | 'characters' | 'date' | 'time';

/** One part of a prompt; parts play back to back in one ARI playback. */
export type PromptPart = { kind: 'media'; uri: string } | { kind: 'sayAs'; as: SayAs; value: CompiledTemplate };

/** A prompt reference, resolved at compile time for every locale of the flow (with fallback). */
export interface PromptRef {
  key: string;
  byLocale: Record<string, PromptPart[]>;
}

export interface InputSettings {
  /** Wait for the first digit after the prompt ends. */
  timeoutMs: number;
  /** Wait between digits once the caller started typing. */
  interDigitMs: number;
  /** A digit during the node's prompt stops the prompt. */
  bargein: boolean;
  /** Digits pressed before this node (during earlier prompts) count as input here. */
  typeAhead: boolean;
}

interface NodeBase {
  id: string;
  /** Entering the node more often in one call takes the loopExceeded outcome. 0 = unlimited. */
  maxVisits: number;
  /** Every outcome of the kind, resolved. */
  exits: Record<string, Exit>;
}

export interface PlayNode extends NodeBase {
  kind: 'play';
  prompts: PromptRef[];
  bargein: boolean;
  typeAhead: boolean;
}

export interface PauseNode extends NodeBase {
  kind: 'pause';
  ms: number;
}

export type HangupReason = 'normal' | 'busy' | 'congestion' | 'no_answer';

export interface HangupNode extends NodeBase {
  kind: 'hangup';
  reason: HangupReason;
}

export interface MenuOption {
  /** Exact digits, or a pattern (anchored) over the digits. */
  digits?: string;
  pattern?: RegExp;
  /** Outcome name: `option:<digits>` or `pattern:<index>`. */
  outcome: string;
  set?: [string, CompiledTemplate][];
  locale?: string;
}

export interface MenuNode extends NodeBase {
  kind: 'menu';
  greeting: PromptRef[];
  reprompt: PromptRef[];
  /** Escalating: attempt n plays entry min(n, len) - 1. */
  invalid: PromptRef[][];
  noInput: PromptRef[][];
  exitPrompt: PromptRef[];
  maxInvalid: number;
  maxNoInput: number;
  options: MenuOption[];
  /** Longest input worth waiting for; '#' ends input early. */
  maxDigits: number;
  input: InputSettings;
}

export interface CollectNode extends NodeBase {
  kind: 'collect';
  prompt: PromptRef[];
  invalid: PromptRef[][];
  noInput: PromptRef[][];
  minDigits: number;
  maxDigits: number;
  terminators: string;
  validate?: CompiledExpression;
  /** Attempts after the first. */
  retries: number;
  store?: string;
  mask: boolean;
  input: InputSettings;
}

export interface SwitchNode extends NodeBase {
  kind: 'switch';
  /** Outcome of case i is `case:<i>`; none matching takes `default`. */
  cases: CompiledExpression[];
}

export interface SetNode extends NodeBase {
  kind: 'set';
  vars: [string, CompiledTemplate][];
  locale?: CompiledTemplate;
}

export interface HoursNode extends NodeBase {
  kind: 'hours';
  calendar: Calendar;
}

/** A JSON body whose string leaves are templates. */
export type BodyTemplate = CompiledTemplate | number | boolean | null | BodyTemplate[] | { [key: string]: BodyTemplate };

export interface HttpNode extends NodeBase {
  kind: 'http';
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: CompiledTemplate;
  headers: [string, CompiledTemplate][];
  body?: BodyTemplate;
  timeoutMs: number;
  retries: number;
  hold?: { afterMs: number; prompts: PromptRef[] };
  map: [string, CompiledExpression][];
}

export interface SubflowNode extends NodeBase {
  kind: 'subflow';
  flow: string;
  params: [string, CompiledTemplate][];
  store?: string;
}

export interface ReturnNode extends NodeBase {
  kind: 'return';
  value?: CompiledTemplate;
}

export interface QueueNode extends NodeBase {
  kind: 'queue';
  queue: string;
  skills: CompiledTemplate[];
  priority: number;
  /** Overrides the queue's recording mode for callers from this node. */
  recording?: 'all' | 'onDemand' | 'never';
  wait: { moh?: string; announce?: { everyMs: number; prompts: PromptRef[] }; maxWaitMs?: number; options: Record<string, string>; callbackKey?: string };
}

export interface TransferNode extends NodeBase {
  kind: 'transfer';
  /** Dial string template: PJSIP/1001, or PJSIP/<number>@trunk for an external number. */
  endpoint: CompiledTemplate;
  timeoutSec: number;
  callerId?: CompiledTemplate;
}

export interface VoicemailNode extends NodeBase {
  kind: 'voicemail';
  prompt: PromptRef[];
  /** Rendered per call ("{{vars.mailbox}}" in a shared subflow); must be an identifier. */
  mailbox: CompiledTemplate;
  maxDurationSec: number;
  maxSilenceSec: number;
  beep: boolean;
  terminator: 'none' | 'any' | '#' | '*';
  /** Shorter than this counts as no message. */
  minDurationSec: number;
}

export interface SendDtmfNode extends NodeBase {
  kind: 'sendDtmf';
  digits: CompiledTemplate;
  betweenMs: number;
}

export interface TagNode extends NodeBase {
  kind: 'tag';
  tags: string[];
}

export type FlowNode =
  | PlayNode
  | PauseNode
  | HangupNode
  | MenuNode
  | CollectNode
  | SwitchNode
  | SetNode
  | HoursNode
  | HttpNode
  | SubflowNode
  | ReturnNode
  | QueueNode
  | TransferNode
  | VoicemailNode
  | SendDtmfNode
  | TagNode;
export type NodeKind = FlowNode['kind'];

export type VarType = 'string' | 'number' | 'boolean' | 'object' | 'list';

export interface VarDecl {
  type: VarType;
  default: unknown;
  /** Never written to the journal or logs (set by `sensitive: true` or a masked collect storing into it). */
  sensitive: boolean;
}

export interface Flow {
  id: string;
  name: string;
  entry: string;
  locales: string[];
  /** IANA zone for `now` in expressions. */
  timezone: string;
  vars: Record<string, VarDecl>;
  limits: { maxSteps: number; maxDurationMs: number };
  nodes: Record<string, FlowNode>;
  /** The flow has a masked collect (or calls a subflow): digits typed ahead are journaled without their value. */
  masksInput: boolean;
  /** Content hash of the flow and everything it uses (prompts, calendars): the version calls record. */
  version: string;
  source: { file: string; sha256: string };
}

/** An immutable set of flows taken at call start: subflows resolve from the same snapshot. */
export type FlowLibrary = ReadonlyMap<string, Flow>;
