import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const SCENARIOS = resolve(import.meta.dirname, '../sipp');
/** The trunk's contact (asterisk-config pjsip.conf, TRUNK_HOST): Dial(PJSIP/<number>@trunk) lands here. */
export const UAS_HOST = '127.0.0.2';
export const UAS_PORT = 5060;
/** RTP ports of the UAS, away from the callers' 20000+ range in sipp.ts. */
const MEDIA_PORT = 29000;

export type UasScenario = 'uas-answer' | 'uas-answer-bye' | 'uas-busy' | 'uas-noanswer';

export interface SippUas {
  /** SIPp's screen output so far (statistics, errors). */
  output(): string;
  /** Stops the UAS (SIGTERM to the SIPp process this started) and waits until the port is free. */
  stop(): Promise<void>;
}

/**
 * Whether a UDP socket is bound to host:port (or to any address on that port), read from
 * /proc/net/udp: probing by binding would race with SIPp binding the same port.
 */
export function udpPortInUse(host: string, port: number): boolean {
  const hex = (address: string) =>
    address.split('.').reverse().map((b) => Number(b).toString(16).padStart(2, '0')).join('').toUpperCase();
  const wanted = new Set([`${hex(host)}:${port.toString(16).toUpperCase().padStart(4, '0')}`, `00000000:${port.toString(16).toUpperCase().padStart(4, '0')}`]);
  return readFileSync('/proc/net/udp', 'utf8')
    .split('\n')
    .slice(1)
    .some((line) => wanted.has(line.trim().split(/\s+/)[1] ?? ''));
}

/**
 * The far end of outbound legs: a SIPp UAS on the trunk's address that serves every INVITE with
 * `scenario` (several calls at once are fine). One UAS at a time: they share 127.0.0.2:5060.
 * `pauseMs` is the wait before uas-answer-bye hangs up.
 */
export async function startUas(scenario: UasScenario, options: { pauseMs?: number } = {}): Promise<SippUas> {
  if (udpPortInUse(UAS_HOST, UAS_PORT)) {
    throw new Error(`${UAS_HOST}:${UAS_PORT}/udp is taken: another SIPp UAS (or a phone) listens on the trunk's address`);
  }
  const args = [
    '-sf', `${SCENARIOS}/${scenario}.xml`,
    '-i', UAS_HOST, '-p', String(UAS_PORT), '-mi', UAS_HOST, '-mp', String(MEDIA_PORT),
    '-d', String(options.pauseMs ?? 1000), '-nostdin',
  ];
  const child: ChildProcess = spawn('sipp', args, { cwd: '/tmp', stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise<void>((res) => child.once('exit', () => res()));

  const deadline = Date.now() + 5_000;
  while (!udpPortInUse(UAS_HOST, UAS_PORT)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`SIPp UAS ${scenario} did not start listening on ${UAS_HOST}:${UAS_PORT}:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
