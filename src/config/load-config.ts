import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { Value } from 'typebox/value';
import { ConfigSchema, type Config } from './config-schema.js';
import { isSupportedCountry } from 'libphonenumber-js';
import { isTimeZone } from '../core/stats/buckets.js';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const ENV_PREFIX = 'SWITCHBOARD_';

export function envName(key: string): string {
  return ENV_PREFIX + key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
}

// The only reader of process.env in the server: everything else receives a typed Config.
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  let fromFile: Record<string, unknown> = {};
  const file = env[`${ENV_PREFIX}CONFIG`];
  if (file) {
    try {
      const parsed: unknown = parseYaml(readFileSync(file, 'utf8'));
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) fromFile = parsed as Record<string, unknown>;
      else problems.push(`${file}: expected a mapping of config keys`);
    } catch (err) {
      problems.push(`${file}: ${(err as Error).message}`);
    }
  }

  const raw: Record<string, unknown> = { ...fromFile };
  const props = ConfigSchema.properties as Record<string, { type?: string }>;
  for (const [key, schema] of Object.entries(props)) {
    const value = env[envName(key)];
    if (value === undefined || value === '') continue;
    raw[key] = schema.type === 'integer' ? coerceInteger(value) : value;
  }
  for (const key of Object.keys(raw)) {
    if (!(key in props)) problems.push(`unknown key '${key}'${key in fromFile ? ` in ${file}` : ''}`);
  }

  const withDefaults = Value.Default(ConfigSchema, structuredClone(raw));
  // One problem per key: a union reports one error per branch, which says nothing more.
  const seen = new Set<string>();
  for (const error of Value.Errors(ConfigSchema, withDefaults)) {
    const key = error.instancePath.replace(/^\//, '');
    if (!key || seen.has(key) || error.keyword === 'boolean') continue; // unknown keys: reported above
    seen.add(key);
    const allowed = unionValues(key);
    problems.push(`${key} (${envName(key)}): ${allowed ? `must be one of ${allowed.join(', ')}` : error.message}`);
  }
  const tz = (withDefaults as { statsTimeZone?: unknown }).statsTimeZone;
  if (typeof tz === 'string' && !seen.has('statsTimeZone') && !isTimeZone(tz)) problems.push(`statsTimeZone (${envName('statsTimeZone')}): unknown time zone '${tz}' (an IANA name such as Europe/Paris)`);
  const region = (withDefaults as { defaultPhoneRegion?: unknown }).defaultPhoneRegion;
  if (typeof region === 'string' && !seen.has('defaultPhoneRegion') && !isSupportedCountry(region)) problems.push(`defaultPhoneRegion (${envName('defaultPhoneRegion')}): '${region}' is not a country with phone numbers (ISO 3166 alpha-2, e.g. FR)`);
  if (problems.length > 0) throw new ConfigError(problems);
  return withDefaults as Config;
}

function unionValues(key: string): string[] | undefined {
  const schema = (ConfigSchema.properties as Record<string, { anyOf?: { const?: unknown }[] }>)[key];
  return schema?.anyOf?.map((branch) => String(branch.const));
}

function coerceInteger(value: string): number | string {
  return /^-?\d+$/.test(value.trim()) ? Number(value) : value;
}
