import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from './adapters/sqlite/database.js';
import { createSqliteAcdConfigStore } from './adapters/sqlite/sqlite-acd-config-store.js';
import { createSqliteApiKeyStore } from './adapters/sqlite/sqlite-api-key-store.js';
import { ConfigError, loadConfig } from './config/load-config.js';
import { ROLES, type Role } from './ports/api-key-store.js';
import { createApiKeyService } from './services/api-key-service.js';
import { flowsCommand } from './cli/flows-command.js';

const USAGE = `usage: switchboard-cli keys create --name NAME [--role admin|supervisor|agent] [--agent AGENT_ID]
       switchboard-cli keys list
       switchboard-cli keys revoke ID
       switchboard-cli flows validate [--verbose] [PATHS...]   (default: the flows directory)
       switchboard-cli flows test [PATHS...]
Uses the same configuration as the server (SWITCHBOARD_DATA_DIR, or SWITCHBOARD_CONFIG).`;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

function main(argv: string[]) {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      role: { type: 'string', default: 'admin' },
      agent: { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
      verbose: { type: 'boolean', short: 'v' },
    },
  });
  const [area, action, arg] = positionals;
  if ((area !== 'keys' && area !== 'flows') || !action) fail(USAGE);
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    fail(err instanceof ConfigError ? err.message : String(err));
  }
  if (area === 'flows') {
    if (action !== 'validate' && action !== 'test') fail(USAGE);
    const paths = positionals.slice(2);
    process.exit(
      flowsCommand(action, paths.length ? paths : [config.flowsDir], {
        soundsDir: config.soundsDir,
        asteriskSoundsDir: config.asteriskSoundsDir,
        defaultFlow: config.entryFlow,
        verbose: values.verbose ?? false,
        out: (line) => process.stdout.write(`${line}\n`),
      }),
    );
  }
  const db = openDatabase(join(config.dataDir, 'switchboard.db'));
  const keys = createApiKeyService(createSqliteApiKeyStore(db));
  switch (action) {
    case 'create': {
      const role = values.role as Role;
      if (!ROLES.includes(role)) fail(`--role must be one of ${ROLES.join(', ')}`);
      // An agent key acts for one agent (login, pause, own wrap-up); the agent must exist.
      if (values.agent !== undefined && role !== 'agent') fail('--agent goes with --role agent');
      if (values.agent !== undefined && !createSqliteAcdConfigStore(db, Date.now).getAgent(values.agent)) fail(`agent '${values.agent}' does not exist`);
      const { key, record } = keys.create(values.name ?? `${role} key`, role, Date.now(), values.agent ?? null);
      if (values.quiet) process.stdout.write(`${key}\n`);
      else process.stdout.write(`created ${record.role} key '${record.name}' (id ${record.id})\n${key}\nStore it now: it is not shown again.\n`);
      break;
    }
    case 'list':
      for (const k of keys.list()) {
        process.stdout.write(`${k.id}  ${k.role.padEnd(10)} ${k.prefix}…  ${k.name}${k.revokedAt ? '  (revoked)' : ''}\n`);
      }
      break;
    case 'revoke':
      if (!arg) fail(USAGE);
      if (!keys.revoke(arg, Date.now())) fail(`no active key with id ${arg}`);
      process.stdout.write(`revoked ${arg}\n`);
      break;
    default:
      fail(USAGE);
  }
  db.close();
}

main(process.argv.slice(2));
