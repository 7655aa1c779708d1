import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { waitFor } from './asterisk.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const TSX = ['--import', 'tsx'];

export interface ServerOptions {
  dataDir?: string;
  port?: number;
  entryFlow?: string;
  flowsDir?: string;
  /** Extra environment, e.g. FLOW_* secrets for http nodes. */
  env?: Record<string, string>;
}

export interface RunningServer {
  url: string;
  dataDir: string;
  port: number;
  logFile: string;
  process: ChildProcess;
  /** GET/POST with the admin key. */
  api(path: string, init?: RequestInit): Promise<{ status: number; body: any }>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
    srv.on('error', rej);
  });
}

export function newDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'switchboard-it-'));
}

/** Creates an admin key with the CLI, as an admin would. */
export function createKey(dataDir: string, role = 'admin'): string {
  return execFileSync(process.execPath, [...TSX, 'src/cli.ts', 'keys', 'create', '--name', `test ${role}`, '--role', role, '-q'], {
    cwd: ROOT,
    env: { ...process.env, SWITCHBOARD_DATA_DIR: dataDir },
    encoding: 'utf8',
  }).trim();
}

export async function startServer(options: ServerOptions & { key: string }): Promise<RunningServer> {
  const dataDir = options.dataDir ?? newDataDir();
  const port = options.port ?? (await freePort());
  const logFile = join(dataDir, `server-${Date.now()}.log`);
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, [...TSX, 'src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      SWITCHBOARD_DATA_DIR: dataDir,
      SWITCHBOARD_PORT: String(port),
      SWITCHBOARD_FLOWS_DIR: options.flowsDir ?? join(ROOT, 'test/integration/flows'),
      SWITCHBOARD_ENTRY_FLOW: options.entryFlow ?? 'main',
      SWITCHBOARD_LOG_LEVEL: 'debug',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const url = `http://127.0.0.1:${port}`;
  const api = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(url + path, { ...init, headers: { authorization: `Bearer ${options.key}`, ...(init.headers ?? {}) } });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const server: RunningServer = {
    url,
    dataDir,
    port,
    logFile,
    process: child,
    api,
    kill: (signal = 'SIGTERM') =>
      new Promise((res) => {
        if (child.exitCode !== null || child.signalCode !== null) return res();
        child.once('exit', () => res());
        child.kill(signal);
      }),
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${readFileSync(logFile, 'utf8')}`);
        const res = await fetch(`${url}/api/v1/health`).catch(() => null);
        return res?.status === 200;
      },
      30_000,
      'the server to be healthy (ARI connected)',
    );
  } catch (err) {
    await server.kill('SIGKILL');
    throw err;
  }
  return server;
}
