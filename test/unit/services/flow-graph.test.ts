import { describe, expect, it } from 'vitest';
import type { Flow } from '../../../src/core/ivr/flow-types.js';
import { flowToMermaid, flowToSvg } from '../../../src/services/flow-graph.js';
import { flowFromYaml, yaml } from '../support/flow-fixtures.js';

const LEAVE = yaml('id: leave', 'entry: rec', 'nodes:', '  rec: { type: hangup }');

// Every kind of edge: wired (solid), flow on.error (dotted), the implicit end of a single-exit
// node without next, and a subflow node.
const flow = flowFromYaml(
  yaml(
    'id: graph',
    'entry: start',
    'on: { error: oops }',
    'nodes:',
    '  start: { type: hours, calendar: office, on: { open: main-menu, closed: bye } }',
    '  main-menu:',
    '    type: menu',
    '    greeting: menu.main',
    '    options: { "1": ask-pin, "2": vm }',
    '    on: { exhausted: bye }',
    '  ask-pin: { type: collect, prompt: enter, on: { ok: bye, exhausted: bye } }',
    '  vm: { type: subflow, flow: leave, next: bye }',
    '  oops: { type: play, prompt: bad }',
    '  bye: { type: hangup }',
  ),
  { flows: [LEAVE] },
);

// No on.error: unwired outcomes lead to the dialplan fallback.
const bare = flowFromYaml(yaml('id: bare', 'entry: hello', 'nodes:', '  hello: { type: play, prompt: hello, next: bye }', '  bye: { type: hangup }'));

const lines = (text: string) => text.trimEnd().split('\n');

describe('flowToMermaid', () => {
  it('given a flow, when drawn, then it is a top-down flowchart with one shaped node per flow node, the entry first', () => {
    const out = lines(flowToMermaid(flow));
    expect(out[0]).toBe('flowchart TD');
    expect(out.slice(1, 7)).toEqual([
      '  n_start["start<br/>hours"]',
      '  n_main_menu{"main-menu<br/>menu"}',
      '  n_ask_pin{"ask-pin<br/>collect"}',
      '  n_vm["vm<br/>subflow: leave"]',
      '  n_oops["oops<br/>play"]',
      '  n_bye(["bye<br/>hangup"])',
    ]);
    expect(out).toContain('  style n_start stroke-width:3px');
  });

  it('given wired outcomes, when drawn, then each is a solid edge labelled with the outcome', () => {
    const out = lines(flowToMermaid(flow));
    expect(out).toEqual(
      expect.arrayContaining([
        '  n_start -- "open" --> n_main_menu',
        '  n_start -- "closed" --> n_bye',
        '  n_main_menu -- "option:1" --> n_ask_pin',
        '  n_main_menu -- "option:2" --> n_vm',
        '  n_main_menu -- "exhausted" --> n_bye',
        '  n_ask_pin -- "ok" --> n_bye',
        '  n_vm -- "next" --> n_bye',
      ]),
    );
  });

  it('given outcomes routed by the flow on.error, when drawn, then they are dotted edges to the error node', () => {
    const out = lines(flowToMermaid(flow));
    expect(out).toEqual(expect.arrayContaining(['  n_main_menu -. "error" .-> n_oops', '  n_ask_pin -. "error" .-> n_oops', '  n_start -. "loopExceeded" .-> n_oops']));
    expect(out).not.toContain('  fallback[[dialplan fallback]]');
  });

  it('given a single-exit node without next, when drawn, then its next goes to the shared end-of-flow node', () => {
    const out = lines(flowToMermaid(flow));
    expect(out).toContain('  flow_end(["end of flow"])');
    expect(out).toContain('  n_oops -- "next" --> flow_end');
  });

  it('given outcomes that lead nowhere, when drawn, then they are dotted edges to one shared dialplan fallback node', () => {
    const out = lines(flowToMermaid(bare));
    expect(out.filter((l) => l.includes('fallback[[dialplan fallback]]'))).toHaveLength(1);
    expect(out).toEqual(expect.arrayContaining(['  n_hello -- "next" --> n_bye', '  n_hello -. "error" .-> fallback', '  n_hello -. "loopExceeded" .-> fallback']));
  });

  it('given node ids that sanitize alike or hold label characters, when drawn, then Mermaid ids stay unique and labels are escaped', () => {
    const hello = bare.nodes.hello;
    const bye = bare.nodes.bye;
    if (!hello || !bye) throw new Error('fixture');
    const odd: Flow = {
      ...bare,
      entry: 'a-b',
      nodes: {
        'a-b': { ...hello, id: 'a-b', exits: { next: { target: 'a_b', via: 'node' }, error: { target: 'x"<y>#', via: 'flow-error' } } },
        a_b: { ...bye, id: 'a_b' },
        'x"<y>#': { ...bye, id: 'x"<y>#' },
      },
    };
    const out = lines(flowToMermaid(odd));
    expect(out).toEqual(
      expect.arrayContaining([
        '  n_a_b["a-b<br/>play"]',
        '  n_a_b_2(["a_b<br/>hangup"])',
        '  n_x__y__(["x#34;#60;y#62;#35;<br/>hangup"])',
        '  n_a_b -- "next" --> n_a_b_2',
        '  n_a_b -. "error" .-> n_x__y__',
      ]),
    );
  });
});

describe('flowToSvg', () => {
  it('given a flow, when drawn, then every node and pseudo-node is a box with its id and kind, and the exits between two boxes one labelled line', () => {
    const svg = flowToSvg(flow);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    const shapes = svg.match(/<(rect|polygon) /g) ?? [];
    expect(shapes).toHaveLength(Object.keys(flow.nodes).length + 1); // + end of flow
    expect(svg).toContain('>main-menu</text>');
    expect(svg).toContain('>subflow: leave</text>');
    // One line per pair of boxes, the outcomes between them joined in its label.
    const pairs = new Set(Object.values(flow.nodes).flatMap((node) => Object.values(node.exits).map((e) => `${node.id}>${e.target ?? 'end'}`)));
    const loops = [...pairs].filter((p) => p.split('>')[0] === p.split('>')[1]).length;
    expect(loops).toBe(1); // oops: its own error route
    expect(svg.match(/<line /g) ?? []).toHaveLength(pairs.size - loops);
    expect(svg.match(/<path d="M[^"]* C/g) ?? []).toHaveLength(loops);
    expect(svg).toContain('>ok, exhausted</text>');
    expect(svg.match(/stroke-dasharray="4 3" marker-end/g)?.length).toBeGreaterThan(0);
  });

  it('given a node id with XML characters, when drawn, then the text is escaped', () => {
    const bye = bare.nodes.bye;
    if (!bye) throw new Error('fixture');
    const odd: Flow = { ...bare, entry: 'a<&>"b', nodes: { 'a<&>"b': { ...bye, id: 'a<&>"b' } } };
    const svg = flowToSvg(odd);
    expect(svg).toContain('>a&lt;&amp;&gt;&quot;b</text>');
    expect(svg).not.toContain('a<&');
  });
});
