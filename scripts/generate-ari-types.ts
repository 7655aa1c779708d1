/**
 * Generates src/adapters/ari/ari-types.generated.ts from the api-docs served by a
 * running Asterisk, so ARI model, event and operation types always match the
 * Asterisk version we actually talk to instead of hand-written guesses.
 *
 * Usage: npm run ari:types
 * Env:   SWITCHBOARD_ARI_URL      (default http://127.0.0.1:8088)
 *        SWITCHBOARD_ARI_USER     (default switchboard)
 *        SWITCHBOARD_ARI_PASSWORD (default switchboard-dev)
 *
 * The output is fully deterministic (everything sorted, no timestamps) so that
 * regenerating against the same Asterisk produces no diff.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

// ---------------------------------------------------------------------------
// Swagger 1.1/1.2 shapes, limited to the fields Asterisk's api-docs use.
// ---------------------------------------------------------------------------

interface AllowableValues {
  valueType: 'LIST' | 'RANGE';
  values?: string[];
  min?: number;
  max?: number;
}

interface SwaggerProperty {
  type: string;
  required?: boolean;
  description?: string;
  allowableValues?: AllowableValues;
}

interface SwaggerModel {
  id: string;
  description?: string;
  properties?: Record<string, SwaggerProperty>;
  discriminator?: string;
  subTypes?: string[];
  extends?: string;
}

interface SwaggerParameter {
  name: string;
  paramType: 'path' | 'query' | 'body' | 'header' | 'form';
  dataType: string;
  required?: boolean;
  allowMultiple?: boolean;
  allowableValues?: AllowableValues;
  defaultValue?: unknown;
  description?: string;
  /** Typo present in some Asterisk api-docs (endpoints.sendMessage). */
  descriptioni?: string;
}

interface SwaggerOperation {
  httpMethod: string;
  nickname: string;
  summary?: string;
  responseClass: string;
  parameters?: SwaggerParameter[];
  upgrade?: string;
}

interface SwaggerApiDoc {
  apiVersion?: string;
  apis: { path: string; operations: SwaggerOperation[] }[];
  models?: Record<string, SwaggerModel>;
}

interface ResourceListing {
  apiVersion: string;
  apis: { path: string }[];
}

interface AriOperationSpec {
  key: string;
  method: string;
  path: string;
  summary?: string;
  responseClass: string;
  parameters: SwaggerParameter[];
}

// ---------------------------------------------------------------------------
// Fetching
// ---------------------------------------------------------------------------

const ARI_URL = (process.env.SWITCHBOARD_ARI_URL ?? 'http://127.0.0.1:8088').replace(/\/+$/, '');
const ARI_USER = process.env.SWITCHBOARD_ARI_USER ?? 'switchboard';
const ARI_PASSWORD = process.env.SWITCHBOARD_ARI_PASSWORD ?? 'switchboard-dev';
const FETCH_TIMEOUT_MS = 10_000;

const OUTPUT_FILE = fileURLToPath(
  new URL('../src/adapters/ari/ari-types.generated.ts', import.meta.url),
);

async function ariGet<T>(path: string): Promise<T> {
  const url = `${ARI_URL}/ari${path}`;
  // Credentials go in a header, never in the URL, so they cannot leak into logs
  // or error messages that print the URL.
  const auth = Buffer.from(`${ARI_USER}:${ARI_PASSWORD}`).toString('base64');
  let res: Response;
  try {
    res = await fetch(url, {
      headers: { Authorization: `Basic ${auth}`, Accept: 'application/json' },
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
  } catch (err) {
    // undici only says "fetch failed"; the cause (ECONNREFUSED, timeout) is what helps.
    const cause = err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
    throw new Error(`GET ${url} failed: ${cause}`);
  }
  if (!res.ok) {
    throw new Error(`GET ${url} failed: ${res.status} ${res.statusText}`);
  }
  return (await res.json()) as T;
}

interface LoadedSpec {
  apiVersion: string;
  asteriskVersion: string;
  /** Resource name (api file name, e.g. "channels") → its api-docs document. */
  docs: Map<string, SwaggerApiDoc>;
}

async function loadSpec(): Promise<LoadedSpec> {
  const listing = await ariGet<ResourceListing>('/api-docs/resources.json');
  const info = await ariGet<{ system?: { version?: string } }>('/asterisk/info');
  const asteriskVersion = info.system?.version;
  if (!asteriskVersion) throw new Error('GET /asterisk/info returned no system.version');

  const docs = new Map<string, SwaggerApiDoc>();
  for (const api of listing.apis) {
    // "/api-docs/channels.{format}" → resource "channels", file "/api-docs/channels.json"
    const match = /^\/api-docs\/([A-Za-z0-9_]+)\.\{format\}$/.exec(api.path);
    if (!match) throw new Error(`Unexpected api path in resources.json: ${api.path}`);
    const resource = match[1]!;
    docs.set(resource, await ariGet<SwaggerApiDoc>(`/api-docs/${resource}.json`));
  }
  return { apiVersion: listing.apiVersion, asteriskVersion, docs };
}

// ---------------------------------------------------------------------------
// Models and their inheritance
// ---------------------------------------------------------------------------

/** Merges the `models` sections of all api files (each model is defined once, but be safe). */
function collectModels(docs: Map<string, SwaggerApiDoc>): Map<string, SwaggerModel> {
  const models = new Map<string, SwaggerModel>();
  for (const [resource, doc] of docs) {
    for (const [id, model] of Object.entries(doc.models ?? {})) {
      if (model.id !== id) throw new Error(`${resource}.json: model key ${id} has id ${model.id}`);
      const existing = models.get(id);
      if (existing && JSON.stringify(existing) !== JSON.stringify(model)) {
        throw new Error(`Model ${id} is defined differently in several api files`);
      }
      models.set(id, model);
    }
  }
  return models;
}

/**
 * Child → parent map. Asterisk's api-docs only declare the hierarchy on the
 * parent (`subTypes`); `extends` on the child is honoured too in case a future
 * version emits it.
 */
function buildParents(models: Map<string, SwaggerModel>): Map<string, string> {
  const parents = new Map<string, string>();
  const link = (child: string, parent: string): void => {
    const known = parents.get(child);
    if (known && known !== parent) throw new Error(`Model ${child} has two parents: ${known}, ${parent}`);
    if (!models.has(child) || !models.has(parent)) {
      throw new Error(`Inheritance ${child} extends ${parent} references an unknown model`);
    }
    parents.set(child, parent);
  };
  for (const model of models.values()) {
    for (const sub of model.subTypes ?? []) link(sub, model.id);
    if (model.extends) link(model.id, model.extends);
  }
  return parents;
}

function ancestorsOf(id: string, parents: Map<string, string>): string[] {
  const result: string[] = [];
  for (let p = parents.get(id); p; p = parents.get(p)) result.push(p);
  return result;
}

/**
 * Concrete event models: everything that transitively extends Event and is not
 * itself a base (has no subTypes). These carry a literal `type` discriminator.
 */
function concreteEventIds(models: Map<string, SwaggerModel>, parents: Map<string, string>): string[] {
  return [...models.values()]
    .filter((m) => !m.subTypes?.length && ancestorsOf(m.id, parents).includes('Event'))
    .map((m) => m.id)
    .sort();
}

// ---------------------------------------------------------------------------
// Type mapping and rendering helpers
// ---------------------------------------------------------------------------

const PRIMITIVES: Record<string, string> = {
  string: 'string',
  int: 'number',
  long: 'number',
  double: 'number',
  float: 'number',
  number: 'number',
  boolean: 'boolean',
  // ARI serialises dates as ISO-8601 strings ("2026-01-01T00:00:00.000+0000").
  Date: 'string',
  object: 'Record<string, unknown>',
  void: 'void',
  // Only recordings.getStoredFile: the raw recording file, not JSON.
  binary: 'ArrayBuffer',
};

/** Maps a swagger type ("int", "List[Channel]", "Bridge", ...) to TypeScript. */
function mapType(swaggerType: string, models: Map<string, SwaggerModel>): string {
  const list = /^List\[(.+)\]$/.exec(swaggerType);
  if (list) {
    const inner = mapType(list[1]!, models);
    return inner.includes('|') ? `(${inner})[]` : `${inner}[]`;
  }
  const primitive = PRIMITIVES[swaggerType];
  if (primitive) return primitive;
  if (models.has(swaggerType)) return swaggerType;
  // Fail loudly: silently emitting `unknown` would hide spec changes.
  throw new Error(`Unknown swagger type: ${swaggerType}`);
}

function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function literalUnion(values: string[]): string {
  return values.map(quote).join(' | ');
}

/** Property keys that are not plain identifiers must be quoted. */
function propKey(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : quote(name);
}

/** One-line JSDoc (descriptions in the spec sometimes span lines or contain HTML breaks). */
function jsdoc(text: string | undefined, indent: string): string[] {
  const clean = (text ?? '')
    .replace(/<br\s*\/?>/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\*\//g, '*\\/');
  return clean ? [`${indent}/** ${clean} */`] : [];
}

/** Joins description fragments, adding a full stop where the spec left one out. */
function sentences(...parts: (string | undefined)[]): string {
  return parts
    .map((part) => part?.trim())
    .filter((part): part is string => !!part)
    .map((part, i, all) => (i < all.length - 1 && !/[.!?:]$/.test(part) ? `${part}.` : part))
    .join(' ');
}

function byName<T extends { name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function sortedEntries<V>(record: Record<string, V> | undefined): [string, V][] {
  return Object.entries(record ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

// ---------------------------------------------------------------------------
// 1. Model interfaces
// ---------------------------------------------------------------------------

function renderModel(
  model: SwaggerModel,
  models: Map<string, SwaggerModel>,
  parents: Map<string, string>,
): string {
  const parent = parents.get(model.id);
  const lines: string[] = [...jsdoc(model.description, '')];
  lines.push(`export interface ${model.id}${parent ? ` extends ${parent}` : ''} {`);

  // Concrete subtypes of Message (events and MissingParams) get a literal `type`
  // so that `switch (event.type)` narrows an AriEvent. Bases keep `type: string`
  // (declared on Message, inherited by Event).
  const isMessageLeaf =
    !model.subTypes?.length && ancestorsOf(model.id, parents).includes('Message');
  if (isMessageLeaf) {
    lines.push(`  /** Discriminator: always ${quote(model.id)}. */`);
    lines.push(`  type: ${quote(model.id)};`);
  }

  for (const [name, prop] of sortedEntries(model.properties)) {
    if (isMessageLeaf && name === 'type') continue;
    // Model enums are documented rather than typed as literal unions: Asterisk
    // sends values the spec does not list (e.g. Playback state "paused",
    // Channel state "Unknown (n)"), and a too-narrow union would make valid
    // comparisons compile errors.
    const values =
      prop.allowableValues?.valueType === 'LIST' && prop.allowableValues.values?.length
        ? `Spec values: ${prop.allowableValues.values.join(', ')}.`
        : undefined;
    lines.push(...jsdoc(sentences(prop.description, values), '  '));
    const optional = prop.required === true ? '' : '?';
    lines.push(`  ${propKey(name)}${optional}: ${mapType(prop.type, models)};`);
  }
  lines.push('}');
  return lines.join('\n');
}

function renderModels(models: Map<string, SwaggerModel>, parents: Map<string, string>): string {
  return [...models.keys()]
    .sort()
    .map((id) => renderModel(models.get(id)!, models, parents))
    .join('\n\n');
}

// ---------------------------------------------------------------------------
// 2. Event union
// ---------------------------------------------------------------------------

function renderEvents(eventIds: string[]): string {
  return [
    '/** Every concrete event Asterisk can push over the ARI events websocket. */',
    'export type AriEvent =',
    ...eventIds.map((id, i) => `  | ${id}${i === eventIds.length - 1 ? ';' : ''}`),
    '',
    "export type AriEventType = AriEvent['type'];",
    '',
    'export const ARI_EVENT_TYPES: readonly AriEventType[] = [',
    ...eventIds.map((id) => `  ${quote(id)},`),
    '];',
  ].join('\n');
}

// ---------------------------------------------------------------------------
// 3. Operations
// ---------------------------------------------------------------------------

/**
 * Body shapes the spec cannot express. applications.filter declares a body
 * param named "filter", but Asterisk reads `allowed`/`disallowed` from the top
 * level of the body (see the operation's notes), so the name is not a key.
 */
const BODY_TYPE_OVERRIDES: Record<string, string> = {
  'applications.filter': '{ allowed?: { type: string }[]; disallowed?: { type: string }[] }',
};

/**
 * Value type of a `containers` body param. Swagger 1.x says nothing about the
 * contents, so this follows the parameter descriptions in the spec.
 */
function containerValueType(param: SwaggerParameter): string {
  const description = param.description ?? param.descriptioni ?? '';
  if (param.name === 'fields') return 'ConfigTuple[]';
  if (param.name === 'variables') {
    // Channel/bridge variables may be `{ value, report_events }` objects (22.x+).
    return description.includes('report_events')
      ? 'Record<string, string | { value: string; report_events?: boolean }>'
      : 'Record<string, string>';
  }
  console.warn(`warning: unknown containers body param "${param.name}", typed as Record<string, unknown>`);
  return 'Record<string, unknown>';
}

/** The JSON request body: an object keyed by the body param's name. */
function bodyType(opKey: string, param: SwaggerParameter | undefined, models: Map<string, SwaggerModel>): string {
  const override = BODY_TYPE_OVERRIDES[opKey];
  if (override) return override;
  if (!param) return 'never';
  const valueType =
    param.dataType === 'containers' ? containerValueType(param) : mapType(param.dataType, models);
  return `{ ${propKey(param.name)}${param.required ? '' : '?'}: ${valueType} }`;
}

function paramType(param: SwaggerParameter, models: Map<string, SwaggerModel>): string {
  const values = param.allowableValues;
  const base =
    values?.valueType === 'LIST' && values.values?.length
      ? literalUnion(values.values)
      : mapType(param.dataType, models);
  // allowMultiple query params are sent comma-separated (or repeated), so accept
  // one value or an array of them.
  if (param.allowMultiple) {
    const element = base.includes('|') ? `(${base})` : base;
    return `${base} | ${element}[]`;
  }
  return base;
}

function paramDoc(param: SwaggerParameter): string {
  const range = param.allowableValues?.valueType === 'RANGE' ? param.allowableValues : undefined;
  return sentences(
    param.description ?? param.descriptioni,
    range?.min !== undefined ? `Min: ${range.min}.` : undefined,
    range?.max !== undefined ? `Max: ${range.max}.` : undefined,
    param.defaultValue !== undefined ? `Default: ${JSON.stringify(param.defaultValue)}.` : undefined,
  );
}

function renderParams(op: AriOperationSpec, models: Map<string, SwaggerModel>): string[] {
  const params = op.parameters
    .filter((p) => p.paramType === 'path' || p.paramType === 'query')
    .sort(byName);
  if (params.length === 0) return ['    params: Record<string, never>;'];
  const lines = ['    params: {'];
  for (const param of params) {
    lines.push(...jsdoc(paramDoc(param), '      '));
    // Path params are always required, even where the spec omits `required`
    // (endpoints.get, endpoints.listByTech, ...).
    const required = param.paramType === 'path' || param.required === true;
    lines.push(`      ${propKey(param.name)}${required ? '' : '?'}: ${paramType(param, models)};`);
  }
  lines.push('    };');
  return lines;
}

function collectOperations(docs: Map<string, SwaggerApiDoc>): AriOperationSpec[] {
  const ops: AriOperationSpec[] = [];
  for (const [resource, doc] of docs) {
    for (const api of doc.apis) {
      for (const op of api.operations) {
        // The events websocket is not a REST call; the ARI client connects to it separately.
        if (op.upgrade === 'websocket') continue;
        ops.push({
          key: `${resource}.${op.nickname}`,
          method: op.httpMethod.toUpperCase(),
          path: api.path,
          summary: op.summary,
          responseClass: op.responseClass,
          parameters: op.parameters ?? [],
        });
      }
    }
  }
  const seen = new Set<string>();
  for (const op of ops) {
    if (seen.has(op.key)) throw new Error(`Duplicate operation key ${op.key}`);
    seen.add(op.key);
  }
  return ops.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Path params in template order, checked against the declared parameters. */
function pathParamsOf(op: AriOperationSpec): string[] {
  const fromTemplate = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  const declared = op.parameters.filter((p) => p.paramType === 'path').map((p) => p.name);
  if ([...fromTemplate].sort().join() !== [...declared].sort().join()) {
    throw new Error(`${op.key}: path ${op.path} does not match declared path params ${declared.join(', ')}`);
  }
  return fromTemplate;
}

function bodyParamOf(op: AriOperationSpec): SwaggerParameter | undefined {
  const bodies = op.parameters.filter((p) => p.paramType === 'body');
  if (bodies.length > 1) throw new Error(`${op.key}: more than one body parameter`);
  const other = op.parameters.find((p) => !['path', 'query', 'body'].includes(p.paramType));
  if (other) throw new Error(`${op.key}: unsupported paramType ${other.paramType} (${other.name})`);
  return bodies[0];
}

function renderOperationsInterface(ops: AriOperationSpec[], models: Map<string, SwaggerModel>): string {
  const lines = ['/** Every ARI REST operation, keyed by `<resource>.<nickname>`. */', 'export interface AriOperations {'];
  for (const op of ops) {
    pathParamsOf(op); // validates the template
    lines.push(...jsdoc(op.summary, '  '));
    lines.push(`  ${quote(op.key)}: {`);
    lines.push(`    method: ${quote(op.method)};`);
    lines.push(`    path: ${quote(op.path)};`);
    lines.push(...renderParams(op, models));
    lines.push(`    body: ${bodyType(op.key, bodyParamOf(op), models)};`);
    lines.push(`    response: ${mapType(op.responseClass, models)};`);
    lines.push('  };');
  }
  lines.push('}');
  return lines.join('\n');
}

function renderOperationsConst(ops: AriOperationSpec[]): string {
  const lines = [
    '/**',
    ' * Runtime metadata for building requests: substitute `pathParams` into `path`,',
    ' * send every other non-body param in the query string, and send',
    " * `AriOperations[K]['body']` as the JSON request body.",
    ' */',
    'export const ARI_OPERATIONS = {',
  ];
  for (const op of ops) {
    const pathParams = pathParamsOf(op).map(quote).join(', ');
    const body = bodyParamOf(op);
    lines.push(
      `  ${quote(op.key)}: { method: ${quote(op.method)}, path: ${quote(op.path)}, ` +
        `pathParams: [${pathParams}], bodyParam: ${body ? quote(body.name) : 'null'} },`,
    );
  }
  lines.push(
    '} as const satisfies Record<',
    '  keyof AriOperations,',
    '  { method: string; path: string; pathParams: readonly string[]; bodyParam: string | null }',
    '>;',
  );
  return lines.join('\n');
}

// ---------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------

function checkOverridesStillApply(ops: AriOperationSpec[]): void {
  // Keeps the hand-written table honest when Asterisk renames or drops an operation.
  for (const key of Object.keys(BODY_TYPE_OVERRIDES)) {
    if (!ops.some((op) => op.key === key)) throw new Error(`Body override for unknown operation ${key}`);
  }
}

async function main(): Promise<void> {
  const spec = await loadSpec();
  const models = collectModels(spec.docs);
  const parents = buildParents(models);
  for (const base of ['Message', 'Event']) {
    if (!models.has(base)) throw new Error(`api-docs have no ${base} model`);
  }
  const eventIds = concreteEventIds(models, parents);
  const ops = collectOperations(spec.docs);
  checkOverridesStillApply(ops);

  const output = [
    '/*',
    ` * Generated by \`npm run ari:types\` from Asterisk ${spec.asteriskVersion} api-docs`,
    ` * (ARI apiVersion ${spec.apiVersion}). Do not edit by hand; regenerate instead.`,
    ' */',
    '',
    '/* eslint-disable */',
    '',
    '// ---- Models ----',
    '',
    renderModels(models, parents),
    '',
    '// ---- Events ----',
    '',
    renderEvents(eventIds),
    '',
    '// ---- Operations ----',
    '',
    renderOperationsInterface(ops, models),
    '',
    renderOperationsConst(ops),
    '',
  ].join('\n');

  await mkdir(dirname(OUTPUT_FILE), { recursive: true });
  await writeFile(OUTPUT_FILE, output);
  console.log(
    `Wrote ${OUTPUT_FILE}: ${models.size} models, ${eventIds.length} events, ${ops.length} operations ` +
      `(Asterisk ${spec.asteriskVersion}, apiVersion ${spec.apiVersion})`,
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
