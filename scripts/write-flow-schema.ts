// Writes the JSON Schema editors use for flow files (VS Code + the YAML extension pick it up from
// the `# yaml-language-server: $schema=./schema/flow.v1.json` line at the top of a flow).
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { editorSchema } from '../src/adapters/flows/flow-schema.js';

const out = resolve(import.meta.dirname, '../ivr-flows/schema/flow.v1.json');
mkdirSync(resolve(out, '..'), { recursive: true });
writeFileSync(out, `${JSON.stringify(editorSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${out}\n`);
