import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { udpPortInUse } from './sipp-uas.js';

const SCENARIOS = resolve(import.meta.dirname, '../sipp');
/** Agents talk from 127.0.0.1; trunk traffic in tests comes from 127.0.0.2 (the trunk's identify). */
export const AGENT_HOST = '127.0.0.1';
const ASTERISK = '127.0.0.1:5060';
/** scripts/asterisk.sh fills @AGENT_PASSWORD@ in pjsip-agents.conf from the same variable. */
export const AGENT_PASSWORD = process.env.SWITCHBOARD_AGENT_PASSWORD ?? 'agent-dev';

export type AgentBehaviour = 'answer' | 'noanswer' | 'busy' | 'refer';

export interface AgentOptions {
  /** PJSIP endpoint, auth username and AOR (asterisk-config/pjsip-agents.conf: 1001-1006). */
  user: string;
  password?: string;
  /** Local SIP port on 127.0.0.1; default 15000 + a numeric user 1000-4999 (1001 → 16001, 2001 → 17001). */
  port?: number;
  behaviour: AgentBehaviour;
  /** answer, refer: ring this long before the 200 (default 200 ms); a CANCEL before that is honoured. */
  answerAfterMs?: number;
  /**
   * answer: hang up (BYE) this long after the answer unless Asterisk hangs up first.
   * refer: the same, counted from the REFER's 202 or the last NOTIFY (a phone hangs up once the
   * NOTIFY says its transfer is done); without it the agent waits for Asterisk's BYE.
   */
  holdMs?: number;
  /**
   * refer: where the agent transfers the call, as the REFER's Refer-To: an extension ('2001',
   * sent as sip:2001@127.0.0.1:5060, Asterisk's address) or a full sip: URI.
   */
  referTo?: string;
  /** refer: time between the answer (ACK) and the REFER (default 500 ms). */
  referAfterMs?: number;
  /** Registration lifetime (default 300 s; Asterisk's minimum is 60). */
  expiresS?: number;
}

export interface AgentCall {
  callId: string;
  /** Epoch ms (SIPp's clock) of the INVITE. */
  invitedAt: number;
  answeredAt: number | null;
  endedAt: number | null;
  /** asterisk: Asterisk sent BYE; agent: holdMs passed; cancelled: CANCEL while ringing; busy: 486 sent. */
  end: 'asterisk' | 'agent' | 'cancelled' | 'busy' | null;
  /** refer: when the agent sent its REFER (null: not sent, or another behaviour). */
  referredAt: number | null;
  /** refer: Asterisk's final response to the REFER (202 accepted, or a refusal such as 603). */
  referResponse: number | null;
  /** refer: every NOTIFY of the REFER subscription, in order: sipfrag status code and Subscription-State. */
  notifies: AgentNotify[];
}

export interface AgentNotify {
  at: number;
  /** Status code of the message/sipfrag body ('SIP/2.0 200 OK' → 200); null without a sipfrag. */
  code: number | null;
  /** Subscription-State: active, pending or terminated. */
  state: string;
}

export interface SippAgent {
  readonly user: string;
  /** Dial string for this agent: PJSIP/<user>. */
  readonly endpoint: string;
  readonly port: number;
  /** Every INVITE received so far, oldest first (read from SIPp's -trace_logs output). */
  calls(): AgentCall[];
  /** Resolves once `count` INVITEs have arrived. */
  waitForCalls(count: number, timeoutMs?: number): Promise<AgentCall[]>;
  /** REGISTER again from the agent's port (restarts the UAS, which holds the port). */
  register(): Promise<void>;
  /** REGISTER Contact: * Expires: 0; the UAS keeps running. */
  unregister(): Promise<void>;
  /** SIPp's screen output and logs so far, for failure messages. */
  output(): string;
  /** Unregisters (unless already done), stops the UAS and removes the work dir. */
  stop(): Promise<void>;
}

/**
 * A softphone agent made of SIPp processes. Registration and UAS cannot share a SIPp process, so:
 * clear the AOR and REGISTER from the agent's port (a client scenario that exits), then start a
 * UAS on that port serving any number of INVITEs with `behaviour`, and the qualify OPTIONS.
 *
 * The clearing matters: Asterisk qualifies a contact (OPTIONS) when it is created, not when an
 * existing one is refreshed, so re-registering a contact left by an earlier run would keep the
 * endpoint 'offline' until the next periodic qualify (up to qualify_frequency, 30 s). The UAS
 * starts ~100 ms after the REGISTER: Asterisk's first OPTIONS is lost and its retransmission
 * (+500 ms) answered, so the endpoint goes 'online' ~0.5 s after registering.
 */
export async function startAgent(options: AgentOptions): Promise<SippAgent> {
  const user = options.user;
  const password = options.password ?? AGENT_PASSWORD;
  const port = options.port ?? defaultPort(user);
  // SIPp binds two RTP ports (mp, mp + 2) even without media, in the UAS and in each REGISTER
  // run: four per agent, away from the callers' 20000+ range (sipp.ts) and the trunk UAS's 29000.
  const mediaPort = 40000 + (port % 4000) * 4;
  const workDir = mkdtempSync(join(tmpdir(), `switchboard-agent-${user}-`));
  const scenario = join(workDir, `agent-${options.behaviour}.xml`);
  writeFileSync(scenario, renderBehaviour(options));
  let output = '';
  let uas: { child: ChildProcess; exited: Promise<void> } | null = null;
  let runs = 0;
  let registered = false;

  const startUas = async () => {
    if (udpPortInUse(AGENT_HOST, port)) throw new Error(`${AGENT_HOST}:${port}/udp is taken: another agent or SIPp listens there`);
    runs++;
    const args = [
      '-sf', scenario, '-i', AGENT_HOST, '-p', String(port), '-mi', AGENT_HOST, '-mp', String(mediaPort),
      '-nostdin', '-trace_logs', '-log_file', join(workDir, `calls-${runs}.log`), '-trace_err', '-error_file', join(workDir, `errors-${runs}.log`),
      // Every SIP message in and out, shown by output(): for debugging a scenario.
      ...(process.env.SWITCHBOARD_SIPP_TRACE_MSG ? ['-trace_msg', '-message_file', join(workDir, `messages-${runs}.log`)] : []),
    ];
    const child = spawn('sipp', args, { cwd: workDir, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    const exited = new Promise<void>((res) => child.once('exit', () => res()));
    const deadline = Date.now() + 5_000;
    while (!udpPortInUse(AGENT_HOST, port)) {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`SIPp agent ${user} did not start listening on ${AGENT_HOST}:${port}:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    uas = { child, exited };
  };

  const stopUas = async () => {
    if (!uas) return;
    const { child, exited } = uas;
    uas = null;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(killer);
  };

  const registerFrom = async (fromPort: number, fromMediaPort: number, contact: string, expires: number) => {
    const file = join(workDir, `register-${expires}.xml`);
    writeFileSync(file, render('agent-register.xml', { CONTACT: contact, EXPIRES: String(expires) }));
    const args = [
      ASTERISK, '-sf', file, '-s', user, '-au', user, '-ap', password,
      '-i', AGENT_HOST, '-p', String(fromPort), '-mi', AGENT_HOST, '-mp', String(fromMediaPort),
      '-m', '1', '-nostdin', '-timeout', '10s', '-timeout_error',
    ];
    const result = await run(args, workDir);
    output += result.output;
    if (result.code !== 0) throw new Error(`REGISTER of ${user} (Contact ${contact}, Expires ${expires}) failed (SIPp exit ${result.code}):\n${result.output}`);
  };

  const register = async () => {
    await stopUas();
    await registerFrom(port, mediaPort, '*', 0);
    await registerFrom(port, mediaPort, `<sip:${user}@${AGENT_HOST}:${port}>`, options.expiresS ?? 300);
    registered = true;
    await startUas();
  };

  const unregister = async () => {
    // The UAS holds the agent's port; Contact: * needs no particular one.
    await registerFrom(await freeUdpPort(), mediaPort + 1, '*', 0); // the UAS holds mediaPort and mediaPort + 2
    registered = false;
  };

  const calls = () => parseCalls(readdirSync(workDir).filter((f) => /^calls-\d+\.log$/.test(f)).map((f) => readFileSync(join(workDir, f), 'utf8')).join('\n'));

  try {
    await register();
  } catch (err) {
    await stopUas();
    rmSync(workDir, { recursive: true, force: true });
    throw err;
  }
  return {
    user,
    endpoint: `PJSIP/${user}`,
    port,
    calls,
    waitForCalls: async (count, timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs;
      while (calls().length < count) {
        if (Date.now() > deadline) throw new Error(`agent ${user}: ${calls().length} of ${count} INVITEs after ${timeoutMs} ms\n${output}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return calls();
    },
    register,
    unregister,
    output: () => `${output}\n--- agent ${user} logs (${workDir}) ---\n${readdirSync(workDir).filter((f) => f.endsWith('.log')).map((f) => `${f}:\n${readFileSync(join(workDir, f), 'utf8')}`).join('\n')}`,
    stop: async () => {
      try {
        if (registered) await unregister();
      } finally {
        await stopUas();
        rmSync(workDir, { recursive: true, force: true });
      }
    },
  };
}

function defaultPort(user: string): number {
  const n = Number(user);
  if (!Number.isInteger(n) || n < 1000 || n > 4999) throw new Error(`agent ${user}: pass a port (the default covers numeric users 1000-4999)`);
  return 15000 + n;
}

function renderBehaviour(options: AgentOptions): string {
  if (options.behaviour === 'refer') {
    if (!options.referTo) throw new Error(`agent ${options.user}: behaviour 'refer' needs referTo`);
    const hangsUp = options.holdMs !== undefined;
    return render('agent-refer.xml', {
      ANSWER_AFTER_MS: String(Math.max(1, Math.round(options.answerAfterMs ?? 200))),
      REFER_AFTER_MS: String(Math.max(1, Math.round(options.referAfterMs ?? 500))),
      REFER_TO: /^sips?:/.test(options.referTo) ? options.referTo : `sip:${options.referTo}@${ASTERISK}`,
      USER: options.user,
      HOLD_MS: String(hangsUp ? Math.max(1, Math.round(options.holdMs!)) : 86_400_000),
      ON_HOLD_TIMEOUT: hangsUp ? 'ontimeout="agent_hangs_up"' : '',
    });
  }
  if (options.behaviour !== 'answer') return render(`agent-${options.behaviour}.xml`, {});
  const hangsUp = options.holdMs !== undefined;
  return render('agent-answer.xml', {
    ANSWER_AFTER_MS: String(Math.max(1, Math.round(options.answerAfterMs ?? 200))),
    // Without holdMs the agent waits a day for Asterisk's BYE (then SIPp counts the call failed).
    HOLD_MS: String(hangsUp ? Math.max(1, Math.round(options.holdMs!)) : 86_400_000),
    ON_HOLD_TIMEOUT: hangsUp ? 'ontimeout="agent_hangs_up"' : '',
  });
}

function render(name: string, values: Record<string, string>): string {
  return readFileSync(join(SCENARIOS, name), 'utf8').replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    if (!(key in values)) throw new Error(`${name}: unknown placeholder {{${key}}}`);
    return values[key]!;
  });
}

// <log message="invite [call_id] [timestamp]"/> → "invite <Call-ID> 2026-11-23\t04:27:51.166534\t1795408071.166534"
const LOG_LINE = /^(invite|answered|bye-received|bye-sent|cancelled|busy|refer-sent) (\S+) .*\t(\d+\.\d+)$/;
// agent-refer.xml: "refer-response <Call-ID> 202 <timestamp>", "notify <Call-ID> 100 active <timestamp>"
const REFER_RESPONSE_LINE = /^refer-response (\S+) (\d{3}) .*\t(\d+\.\d+)$/;
const NOTIFY_LINE = /^notify (\S+) (\d{3})? ?(\w*) .*\t(\d+\.\d+)$/;
const END_OF: Record<string, AgentCall['end']> = { 'bye-received': 'asterisk', 'bye-sent': 'agent', cancelled: 'cancelled', busy: 'busy' };

export function parseCalls(log: string): AgentCall[] {
  const byId = new Map<string, AgentCall>();
  for (const line of log.split('\n')) {
    const response = REFER_RESPONSE_LINE.exec(line.trim());
    if (response) {
      const call = byId.get(response[1]!);
      if (call) call.referResponse = Number(response[2]);
      continue;
    }
    const notify = NOTIFY_LINE.exec(line.trim());
    if (notify) {
      const call = byId.get(notify[1]!);
      if (call) call.notifies.push({ at: Math.round(Number(notify[4]) * 1000), code: notify[2] ? Number(notify[2]) : null, state: notify[3] ?? '' });
      continue;
    }
    const m = LOG_LINE.exec(line.trim());
    if (!m) continue;
    const [, what, callId, stamp] = m as unknown as [string, string, string, string];
    const at = Math.round(Number(stamp) * 1000);
    if (what === 'invite') {
      byId.set(callId, { callId, invitedAt: at, answeredAt: null, endedAt: null, end: null, referredAt: null, referResponse: null, notifies: [] });
      continue;
    }
    const call = byId.get(callId);
    if (!call) continue;
    if (what === 'answered') call.answeredAt = at;
    else if (what === 'refer-sent') call.referredAt = at;
    else {
      call.endedAt = at;
      call.end = END_OF[what] ?? null;
    }
  }
  return [...byId.values()].sort((a, b) => a.invitedAt - b.invitedAt);
}

function run(args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  const child = spawn('sipp', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return new Promise((res) => child.on('exit', (code) => res({ code, output })));
}

/** A UDP port on 127.0.0.1 that nothing is bound to right now (the OS picks it). */
function freeUdpPort(): Promise<number> {
  return new Promise((res, rej) => {
    const socket = createSocket('udp4');
    socket.once('error', rej);
    socket.bind(0, AGENT_HOST, () => {
      const { port } = socket.address();
      socket.close(() => res(port));
    });
  });
}
