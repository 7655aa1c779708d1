import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const SCENARIOS = resolve(import.meta.dirname, '../sipp');
let nextPort = 15060;

export interface SippResult {
  code: number | null;
  output: string;
  elapsedMs: number;
}

export interface SippCall {
  /** Resolves when SIPp exits: code 0 means every call in the scenario completed. */
  done: Promise<SippResult>;
}

/**
 * One SIPp call from the trunk's address (127.0.0.2: Asterisk identifies the trunk by source IP).
 * Each call uses its own SIP and media ports so a straggling process never collides with the next.
 */
export function sippCall(options: { scenario: 'caller-until-bye' | 'caller-hangs-up'; service?: string; pauseMs?: number; timeoutS?: number }): SippCall {
  const sipPort = nextPort++;
  const mediaPort = 20000 + (sipPort - 15060) * 10;
  const args = [
    '-sf', `${SCENARIOS}/${options.scenario}.xml`,
    '-i', '127.0.0.2', '-p', String(sipPort), '-mi', '127.0.0.2', '-mp', String(mediaPort),
    '-s', options.service ?? '100',
    '-m', '1', '-nostdin', '-timeout', `${options.timeoutS ?? 40}s`,
    ...(options.pauseMs !== undefined ? ['-d', String(options.pauseMs)] : []),
    '127.0.0.1:5060',
  ];
  const started = Date.now();
  const child = spawn('sipp', args, { cwd: '/tmp', stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const done = new Promise<SippResult>((res) => child.on('exit', (code) => res({ code, output, elapsedMs: Date.now() - started })));
  return { done };
}
