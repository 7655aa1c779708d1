// Flow compile + validate time for generated flows of 200 and 1,000 nodes (menus, collects,
// switches, http, plays), through the same compiler the server and `flows validate` use.
// Run: npx tsx bench/flow-compile.ts
import { compileFlowSource, type CompileEnv } from '../src/adapters/flows/flow-compiler.js';
import { compilePromptFile } from '../src/adapters/flows/prompt-catalog.js';

function flowSource(nodes: number): string {
  const lines = ['id: big', 'entry: n0', 'locales: [en, fr]', 'on: { error: bye }', 'vars:', '  acct: { type: string }', '  n: { type: number }', 'nodes:'];
  for (let i = 0; i < nodes; i++) {
    const next = i + 1 < nodes ? `n${i + 1}` : 'bye';
    switch (i % 5) {
      case 0:
        lines.push(`  n${i}: { type: menu, greeting: p.menu, invalid: [p.invalid], options: { "1": ${next}, "2": ${next}, "/^9[0-9]$/": ${next} }, on: { exhausted: bye } }`);
        break;
      case 1:
        lines.push(`  n${i}: { type: collect, prompt: p.enter, digits: { min: 4, max: 8 }, validate: "size(input.digits) >= 4 && input.digits.startsWith('1')", store: acct, on: { ok: ${next}, exhausted: bye } }`);
        break;
      case 2:
        lines.push(`  n${i}: { type: switch, cases: [ { when: "vars.n + 1 > 3 && vars.acct != ''", next: ${next} } ], default: ${next} }`);
        break;
      case 3:
        lines.push(`  n${i}: { type: http, url: "https://crm.example/a/{{vars.acct}}", map: { n: "response.body.n + 1" }, on: { ok: ${next}, error: ${next}, timeout: ${next} } }`);
        break;
      default:
        lines.push(`  n${i}: { type: play, prompt: [p.menu, "digits:12"], next: ${next} }`);
    }
  }
  lines.push('  bye: { type: hangup }');
  return lines.join('\n');
}

const prompts = compilePromptFile('default.yaml', 'default', 'p.menu: sound:beep\np.invalid: sound:invalid\np.enter: [sound:beep, { sayAs: digits, value: "{{vars.acct}}" }]\n');
const env: CompileEnv = { prompts: new Map([['default', prompts]]), calendars: new Map(), flows: new Map() };

const rows: string[] = [];
for (const size of [200, 1000]) {
  const source = flowSource(size);
  const first = compileFlowSource('big.yaml', source, env);
  const errors = first.problems.filter((p) => p.severity !== 'warning');
  if (!first.flow || errors.length) throw new Error(`bench flow invalid: ${errors.map((p) => p.message).join('; ')}`);
  const times: number[] = [];
  for (let i = 0; i < 30; i++) {
    const t = performance.now();
    compileFlowSource('big.yaml', source, env);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const p = (q: number) => (times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0).toFixed(1);
  rows.push(`| ${size} nodes (${(source.length / 1024).toFixed(0)} KiB) | ${p(0.5)} ms | ${p(0.95)} ms | ${(Number(p(0.5)) / size * 1000).toFixed(0)} µs |`);
}
process.stdout.write(['| Flow | p50 | p95 | per node (p50) |', '|---|---|---|---|', ...rows].join('\n') + '\n');
