import { createHash } from 'node:crypto';
import { compileTemplate } from '../../core/expr/template.js';
import type { PromptPart, SayAs } from '../../core/ivr/flow-types.js';
import { parseSource, type FlowProblem, type YamlPath } from './yaml-source.js';

// Prompts live in one catalog per locale (ivr-flows/prompts/<locale>.yaml), so translators
// touch one file and the validator can prove every flow has every prompt in every locale.
//
//   welcome: { file: welcome }                       # sounds/welcome.wav, installed as sound:switchboard/welcome
//   hello: sound:hello-world                         # any media URI as a plain string
//   readback: [ { sound: you-entered }, { sayAs: digits, value: "{{vars.account}}" } ]

export interface PromptEntry {
  parts: PromptPart[];
  /** Where the entry is, for "used here, defined there" messages. */
  file: string;
  line: number;
  col: number;
  /** Hash of the entry's source, part of each flow's version. */
  sha256: string;
}

export interface PromptFile {
  locale: string;
  file: string;
  entries: Map<string, PromptEntry>;
  problems: FlowProblem[];
}

const MEDIA = /^(sound|file|recording|digits|number|characters|tone):.+$/;
const SAY_AS: SayAs[] = ['number', 'digits', 'characters', 'date', 'time'];
const KEY = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** `file:x` names a file under sounds/, installed into Asterisk as sounds/switchboard/x. */
export function mediaUri(literal: string): string {
  return literal.startsWith('file:') ? `sound:switchboard/${literal.slice(5)}` : literal;
}

export function isMediaLiteral(ref: string): boolean {
  return MEDIA.test(ref);
}

export function compilePromptFile(file: string, locale: string, source: string): PromptFile {
  const src = parseSource(file, source);
  const entries = new Map<string, PromptEntry>();
  const problems = [...src.problems];
  if (problems.length > 0) return { locale, file, entries, problems };
  const raw = src.raw ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return { locale, file, entries, problems: [src.problem([], 'a prompt catalog is a map of prompt key → prompt')] };
  }
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!KEY.test(key)) {
      problems.push({ file, ...src.keyAt([], key), message: `prompt key '${key}' must use letters, digits, '.', '_' or '-'` });
      continue;
    }
    const parts: PromptPart[] = [];
    const items = Array.isArray(value) ? value : [value];
    items.forEach((item, index) => {
      const path: YamlPath = Array.isArray(value) ? [key, index] : [key];
      const part = compilePart(item, path, src, problems);
      if (part) parts.push(part);
    });
    if (items.length === 0) problems.push(src.problem([key], `prompt '${key}' is empty`));
    entries.set(key, { parts, file, ...src.at([key]), sha256: createHash('sha256').update(JSON.stringify(value)).digest('hex') });
  }
  return { locale, file, entries, problems };
}

function compilePart(item: unknown, path: YamlPath, src: ReturnType<typeof parseSource>, problems: FlowProblem[]): PromptPart | null {
  if (typeof item === 'string') {
    if (!MEDIA.test(item)) {
      problems.push(src.problem(path, `'${item}' is not media: use sound:NAME, file:NAME, digits:N, number:N, characters:X, tone:NAME or recording:NAME`));
      return null;
    }
    return { kind: 'media', uri: mediaUri(item) };
  }
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    problems.push(src.problem(path, 'a prompt part is media (sound:NAME), { file }, { sound } or { sayAs, value }'));
    return null;
  }
  const obj = item as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1 && (typeof obj.file === 'string' || typeof obj.sound === 'string')) {
    const name = (obj.file ?? obj.sound) as string;
    if (!/^[A-Za-z0-9][A-Za-z0-9_/.-]*$/.test(name) || name.includes('..')) {
      problems.push(src.problem([...path, keys[0] as string], `'${name}' is not a sound name (letters, digits, _ - . /, no '..')`));
      return null;
    }
    return { kind: 'media', uri: obj.file !== undefined ? `sound:switchboard/${name}` : `sound:${name}` };
  }
  if ('sayAs' in obj) {
    for (const extra of keys.filter((k) => k !== 'sayAs' && k !== 'value')) problems.push({ file: src.file, ...src.keyAt(path, extra), message: `unknown key '${extra}'` });
    if (!SAY_AS.includes(obj.sayAs as SayAs)) {
      problems.push(src.problem([...path, 'sayAs'], `sayAs must be one of ${SAY_AS.join(', ')}`));
      return null;
    }
    const value = typeof obj.value === 'number' ? String(obj.value) : obj.value;
    if (typeof value !== 'string') {
      problems.push(src.problem(path, 'sayAs needs a value (a {{ template }} or a literal)'));
      return null;
    }
    const template = compileTemplate(value);
    if (!template.ok) {
      problems.push({ file: src.file, ...src.inside([...path, 'value'], template.offset), message: template.message });
      return null;
    }
    return { kind: 'sayAs', as: obj.sayAs as SayAs, value: template.value };
  }
  problems.push(src.problem(path, `unknown prompt part (keys: ${keys.join(', ')}); use { file }, { sound } or { sayAs, value }`));
  return null;
}
