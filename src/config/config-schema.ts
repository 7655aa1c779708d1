import { Type, type Static } from 'typebox';

// The one configuration schema. Every key can come from the environment (SWITCHBOARD_<KEY in
// upper snake case>) or from the optional config file (SWITCHBOARD_CONFIG=path to a JSON or YAML
// file); the environment wins. docs/configuration.md documents each key.
export const ConfigSchema = Type.Object(
  {
    host: Type.String({ default: '127.0.0.1', description: 'HTTP listen address' }),
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 3000, description: 'HTTP listen port' }),
    dataDir: Type.String({ default: './data', description: 'Directory for the SQLite database and recordings' }),
    flowsDir: Type.String({ default: './ivr-flows', description: 'Directory of IVR flow files' }),
    watchFlows: Type.Boolean({ default: true, description: 'Reload flows when files in flowsDir change (SIGHUP always reloads)' }),
    soundsDir: Type.String({ default: './sounds', description: 'Our prompt files (file:NAME in flows), installed into Asterisk as sounds/switchboard/' }),
    asteriskSoundsDir: Type.String({
      default: '',
      description: "Asterisk's sounds directory for the validator's sound:NAME checks; empty = the sandbox chroot's if present, else no check",
    }),
    logLevel: Type.Union(
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
      { default: 'info' },
    ),
    ariUrl: Type.String({ default: 'http://127.0.0.1:8088', pattern: '^https?://', description: 'Asterisk ARI base URL' }),
    ariUser: Type.String({ default: 'switchboard', minLength: 1 }),
    ariPassword: Type.String({ default: 'switchboard-dev', minLength: 1 }),
    ariApp: Type.String({ default: 'switchboard', pattern: '^[A-Za-z0-9_.-]+$', description: 'Stasis application name' }),
    ariRequestTimeoutMs: Type.Integer({ minimum: 100, maximum: 60000, default: 5000 }),
    entryFlow: Type.String({ default: 'main', description: 'Flow for dialed numbers that ivr-flows/routes.yaml does not list' }),
    fallbackContext: Type.String({
      default: 'switchboard-fallback',
      description: 'Dialplan context a call continues to when Switchboard cannot handle it',
    }),
    shutdownGraceMs: Type.Integer({ minimum: 0, default: 10000 }),
    defaultPhoneRegion: Type.String({
      default: 'US',
      pattern: '^[A-Z]{2}$',
      description: 'ISO country of the trunk: caller numbers without a + are read as national numbers of this country (contacts are keyed by E.164)',
    }),
    statsTimeZone: Type.String({
      default: 'UTC',
      minLength: 1,
      description: "IANA time zone of the call center's day: where 'today' starts for the live queue counters",
    }),
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;
