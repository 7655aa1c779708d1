import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compileFlow, FlowError, type FlowProblem } from '../../../src/adapters/flows/flow-loader.js';

const FILE = '/flows/main.yaml';

/** Compiles and returns the FlowError's problems; fails the test if the source compiles. */
function problemsOf(source: string): { error: FlowError; problems: FlowProblem[] } {
  try {
    compileFlow(FILE, source);
  } catch (err) {
    expect(err).toBeInstanceOf(FlowError);
    return { error: err as FlowError, problems: (err as FlowError).problems };
  }
  throw new Error('expected the flow to be rejected');
}

const lines = (...l: string[]) => l.join('\n') + '\n';

describe('compileFlow: valid flows', () => {
  const source = lines(
    '# The sample inbound flow',
    'id: main',
    'description: Sample greeting',
    'entry: welcome',
    'nodes:',
    '  welcome:',
    '    kind: play',
    '    prompts: [sound:hello-world, file:intro]',
    '    next: hold',
    '  hold:',
    '    kind: pause',
    '    seconds: 0.5',
    '    next: goodbye',
    '  goodbye:',
    '    kind: hangup',
    '    reason: normal',
  );

  it('given a valid YAML flow, when compiled, then it has the id, entry and nodes with file: prompts mapped to sound:switchboard/NAME', () => {
    const flow = compileFlow(FILE, source);
    expect(flow.id).toBe('main');
    expect(flow.entry).toBe('welcome');
    expect(flow.nodes).toEqual({
      welcome: { kind: 'play', prompts: ['sound:hello-world', 'sound:switchboard/intro'], next: 'hold' },
      hold: { kind: 'pause', seconds: 0.5, next: 'goodbye' },
      goodbye: { kind: 'hangup', reason: 'normal' },
    });
  });

  it('given a valid flow, when compiled, then the source records the file and the sha256 of its content', () => {
    const flow = compileFlow(FILE, source);
    expect(flow.source).toEqual({ file: FILE, sha256: createHash('sha256').update(source).digest('hex') });
  });

  it('given a flow written as JSON, when compiled, then it is accepted (JSON is YAML)', () => {
    const flow = compileFlow('/flows/j.json', '{"id":"j","entry":"a","nodes":{"a":{"kind":"hangup"}}}');
    expect(flow.nodes).toEqual({ a: { kind: 'hangup' } });
  });
});

describe('compileFlow: every problem carries file:line:col', () => {
  it('given a YAML syntax error, when compiled, then a FlowError message has file:line:col', () => {
    const { error, problems } = problemsOf(lines('id: main', 'entry: a', 'nodes:', '  a:', '    kind: play', '   prompts: [sound:x]'));
    expect(error.name).toBe('FlowError');
    expect(error.message).toMatch(/^\/flows\/main\.yaml:6:1: /);
    expect(problems[0]).toMatchObject({ file: FILE, line: 6, col: 1 });
  });

  it('given an unclosed flow map, when compiled, then the syntax error is reported with its position', () => {
    const { error } = problemsOf(lines('id: main', 'entry: a', 'nodes:', '  a: {kind: play'));
    expect(error.message).toMatch(/^\/flows\/main\.yaml:\d+:\d+: /);
  });

  it('given an unknown node kind, when compiled, then the problem points at the kind value', () => {
    const { problems } = problemsOf(lines('id: main', 'entry: a', 'nodes:', '  a:', '    kind: dance'));
    expect(problems).toEqual([
      { file: FILE, line: 5, col: 11, message: "node 'a': unknown kind 'dance' (known: play, pause, hangup)" },
    ]);
  });

  it('given a next that names a missing node, when compiled, then the problem points at the next value', () => {
    const { problems } = problemsOf(lines('id: main', 'entry: a', 'nodes:', '  a:', '    kind: play', '    prompts: [sound:x]', '    next: ghost'));
    expect(problems).toEqual([{ file: FILE, line: 7, col: 11, message: "node 'a': next 'ghost' is not a node of this flow" }]);
  });

  it('given an entry that names a missing node, when compiled, then the problem points at the entry value', () => {
    const { problems } = problemsOf(lines('id: main', 'entry: zz', 'nodes:', '  a:', '    kind: hangup'));
    expect(problems).toEqual([{ file: FILE, line: 2, col: 8, message: "entry 'zz' is not a node of this flow" }]);
  });

  it('given an anchor and an alias, when compiled, then it is rejected at the anchor position', () => {
    const { problems } = problemsOf(lines('id: main', 'entry: a', 'nodes:', '  a: &base', '    kind: hangup', '  b: *base'));
    expect(problems).toContainEqual({ file: FILE, line: 5, col: 5, message: 'anchors and aliases are not allowed in flow files' });
  });

  it('given only an alias of a scalar anchor, when compiled, then it is rejected too', () => {
    const { problems } = problemsOf(lines('id: &name main', 'entry: a', 'nodes:', '  a:', '    kind: hangup'));
    expect(problems.map((p) => p.message)).toContain('anchors and aliases are not allowed in flow files');
    expect(problems[0]).toMatchObject({ line: 1 });
  });

  it('given a duplicate key, when compiled, then it is rejected at the second key', () => {
    const { problems } = problemsOf(lines('id: main', 'entry: a', 'nodes:', '  a:', '    kind: hangup', '  a:', '    kind: hangup'));
    expect(problems).toEqual([{ file: FILE, line: 6, col: 3, message: 'Map keys must be unique' }]);
  });

  it('given an empty file, when compiled, then it is rejected as not a flow', () => {
    const { problems } = problemsOf('');
    expect(problems).toEqual([{ file: FILE, line: 1, col: 1, message: 'flow: must be object' }]);
  });

  it('given a node id that does not start with a letter, when compiled, then it is rejected', () => {
    const { problems } = problemsOf(lines('id: main', 'entry: a', 'nodes:', '  a:', '    kind: hangup', '  9x:', '    kind: hangup'));
    expect(problems.map((p) => p.message)).toEqual(["node id '9x' must start with a letter and use letters, digits, _ or -"]);
  });

  it('given a merge key (<<), when compiled, then it is not expanded', () => {
    const { problems } = problemsOf(lines('id: main', 'entry: a', 'nodes:', '  a:', '    <<: {kind: hangup}'));
    expect(problems.length).toBeGreaterThan(0);
  });

  it('given several broken places, when compiled, then all of them are reported in one error', () => {
    const { problems } = problemsOf(
      lines('id: main', 'entry: zz', 'nodes:', '  a:', '    kind: dance', '  b:', '    kind: play', '    prompts: [sound:x]', '    next: ghost'),
    );
    expect(problems.map((p) => p.line).sort()).toEqual([2, 5, 9]);
  });
});

// These validate a node against the schema of its own kind. The loader checks each node against
// the union of every kind, so it also reports what the *other* kinds would need.
describe('compileFlow: node problems name only what is wrong with that node', () => {
  it('given a play node with a prompt that is not a media URI, when compiled, then the only problem is that prompt, at its position', () => {
    const { problems } = problemsOf(lines('id: main', 'entry: a', 'nodes:', '  a:', '    kind: play', '    prompts: [hello]'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ line: 6, col: 15 });
    expect(problems[0]?.message).toContain("prompt 'hello' must be sound:NAME");
  });

  it('given a hangup node with an unknown reason, when compiled, then one problem names the reason, at its position', () => {
    const { problems } = problemsOf(lines('id: main', 'entry: a', 'nodes:', '  a:', '    kind: hangup', '    reason: rude'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ line: 6, col: 13 });
    expect(problems[0]?.message).toContain('reason');
    expect(problems[0]?.message).not.toMatch(/prompts|seconds/);
  });

  it('given a pause node with negative seconds, when compiled, then the seconds are reported at their position', () => {
    const { problems } = problemsOf(lines('id: main', 'entry: a', 'nodes:', '  a:', '    kind: pause', '    seconds: -1'));
    expect(problems).toContainEqual({ file: FILE, line: 6, col: 14, message: "node 'a'.seconds: must be >= 0" });
  });
});
