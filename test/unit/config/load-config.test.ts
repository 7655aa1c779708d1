import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, envName, loadConfig } from '../../../src/config/load-config.js';
import { tempDir } from '../support/helpers.js';

/** Runs loadConfig and returns its ConfigError; fails the test if the config loads. */
function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  it('given an empty environment, when loaded, then every key has its default', () => {
    expect(loadConfig({})).toEqual({
      host: '127.0.0.1',
      port: 3000,
      dataDir: './data',
      flowsDir: './ivr-flows',
      watchFlows: true,
      soundsDir: './sounds',
      asteriskSoundsDir: '',
      logLevel: 'info',
      ariUrl: 'http://127.0.0.1:8088',
      ariUser: 'switchboard',
      ariPassword: 'switchboard-dev',
      ariApp: 'switchboard',
      ariRequestTimeoutMs: 5000,
      entryFlow: 'main',
      fallbackContext: 'switchboard-fallback',
      shutdownGraceMs: 10000,
      defaultPhoneRegion: 'US',
      statsTimeZone: 'UTC',
    });
  });

  it('given a phone region that is no country, when loaded, then it is refused with the variable named', () => {
    expect(loadConfig({ SWITCHBOARD_DEFAULT_PHONE_REGION: 'FR' }).defaultPhoneRegion).toBe('FR');
    expect(() => loadConfig({ SWITCHBOARD_DEFAULT_PHONE_REGION: 'ZZ' })).toThrow(/SWITCHBOARD_DEFAULT_PHONE_REGION.*'ZZ' is not a country/);
  });

  it('given a stats time zone that is not an IANA name, when loaded, then it is refused with the variable named', () => {
    expect(loadConfig({ SWITCHBOARD_STATS_TIME_ZONE: 'Europe/Paris' }).statsTimeZone).toBe('Europe/Paris');
    expect(() => loadConfig({ SWITCHBOARD_STATS_TIME_ZONE: 'Mars/Olympus' })).toThrow(/SWITCHBOARD_STATS_TIME_ZONE.*unknown time zone 'Mars\/Olympus'/);
  });

  it('given SWITCHBOARD_PORT=8080 and SWITCHBOARD_ARI_URL, when loaded, then port is the integer 8080 and the URL is taken', () => {
    const config = loadConfig({ SWITCHBOARD_PORT: '8080', SWITCHBOARD_ARI_URL: 'https://pbx.example:8089' });
    expect(config.port).toBe(8080);
    expect(typeof config.port).toBe('number');
    expect(config.ariUrl).toBe('https://pbx.example:8089');
  });

  it('given env vars the server does not know about and empty values, when loaded, then they are ignored', () => {
    const config = loadConfig({ PATH: '/usr/bin', HOME: '/root', SWITCHBOARD_HOST: '' });
    expect(config.host).toBe('127.0.0.1');
  });

  it('given camelCase keys, when named for the environment, then they become upper snake case with the prefix', () => {
    expect(envName('ariRequestTimeoutMs')).toBe('SWITCHBOARD_ARI_REQUEST_TIMEOUT_MS');
    expect(envName('port')).toBe('SWITCHBOARD_PORT');
  });

  it('given a YAML config file in SWITCHBOARD_CONFIG, when loaded, then its keys apply over the defaults', () => {
    const path = file('switchboard.yaml', 'port: 4000\nlogLevel: debug\nentryFlow: sales\n');
    const config = loadConfig({ SWITCHBOARD_CONFIG: path });
    expect(config).toMatchObject({ port: 4000, logLevel: 'debug', entryFlow: 'sales', host: '127.0.0.1' });
  });

  it('given a config file and env vars for the same keys, when loaded, then the environment wins', () => {
    const path = file('switchboard.yaml', 'port: 4000\nlogLevel: debug\n');
    const config = loadConfig({ SWITCHBOARD_CONFIG: path, SWITCHBOARD_PORT: '5000' });
    expect(config.port).toBe(5000);
    expect(config.logLevel).toBe('debug');
  });

  it('given a config file that does not exist, when loaded, then the problem names the file', () => {
    const error = configError({ SWITCHBOARD_CONFIG: join(dir, 'absent.yaml') });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toContain('absent.yaml');
  });

  it('given a config file that is a list, when loaded, then it is rejected as not a mapping', () => {
    const path = file('list.yaml', '- a\n- b\n');
    expect(configError({ SWITCHBOARD_CONFIG: path }).problems).toEqual([`${path}: expected a mapping of config keys`]);
  });

  it('given a non-integer or out-of-range port, when loaded, then the problem names the key and its env var', () => {
    expect(configError({ SWITCHBOARD_PORT: '80.5' }).problems).toEqual(['port (SWITCHBOARD_PORT): must be integer']);
    expect(configError({ SWITCHBOARD_PORT: '70000' }).problems).toEqual(['port (SWITCHBOARD_PORT): must be <= 65535']);
  });

  it('given a bad log level alone, when loaded, then the problem lists the allowed values', () => {
    expect(configError({ SWITCHBOARD_LOG_LEVEL: 'loud' }).problems).toEqual([
      'logLevel (SWITCHBOARD_LOG_LEVEL): must be one of fatal, error, warn, info, debug, trace, silent',
    ]);
  });

  it('given a bad port, a bad ARI URL and a bad app name, when loaded, then all three are listed at once', () => {
    const error = configError({ SWITCHBOARD_PORT: 'abc', SWITCHBOARD_ARI_URL: 'ftp://pbx', SWITCHBOARD_ARI_APP: 'my app' });
    expect(error.problems).toHaveLength(3);
    expect(error.message).toContain('SWITCHBOARD_PORT');
    expect(error.message).toContain('SWITCHBOARD_ARI_URL');
    expect(error.message).toContain('SWITCHBOARD_ARI_APP');
  });

  it('given a bad port, a bad log level and an unknown key in the file, when loaded, then all three problems are listed at once', () => {
    const path = file('switchboard.yaml', 'colour: red\n');
    const error = configError({ SWITCHBOARD_CONFIG: path, SWITCHBOARD_PORT: 'abc', SWITCHBOARD_LOG_LEVEL: 'loud' });
    expect(error.problems).toHaveLength(3);
    expect(error.problems).toContain(`unknown key 'colour' in ${path}`);
    expect(error.message).toContain('SWITCHBOARD_PORT');
    expect(error.message).toContain('SWITCHBOARD_LOG_LEVEL');
  });
});
