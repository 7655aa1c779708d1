import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const SCENARIOS = resolve(import.meta.dirname, '../sipp');
let nextPort = 15060;

export interface SippResult {
  code: number | null;
  output: string;
  elapsedMs: number;
}

export interface SippCall<R extends SippResult = SippResult> {
  /** Resolves when SIPp exits: code 0 means every call in the scenario completed. */
  done: Promise<R>;
}

/** One group of key presses: wait `afterMs` of silence, then press `digits` one after the other. */
export interface DtmfStep {
  /** Silence before the first digit, from the end of the previous step's last tone (the first step: from the answer). */
  afterMs: number;
  /** Digits pressed one after another: 0-9, *, #, A-D. */
  digits: string;
  /** How long each key is held (default 100 ms; rounded to the 20 ms packet grid). */
  toneMs?: number;
  /** Silence between two digits of this step (default 100 ms; rounded to 20 ms). */
  gapMs?: number;
}

export interface DtmfCallOptions {
  scenario: 'caller-dtmf';
  /** The key presses, in order; times are relative to the answer (the ACK SIPp sends for the 200). */
  dtmf: DtmfStep[];
  /**
   * Hang up (BYE) this long after the answer unless the server hangs up first. Without it the caller
   * waits for the server's BYE, and the call fails if none comes within `timeoutS`.
   */
  hangupAfterMs?: number;
  /** Length of the RTP stream (PCMA silence around the tones); default: 1 s past the last tone, or up to `hangupAfterMs`. */
  mediaMs?: number;
  service?: string;
  timeoutS?: number;
  /** Keep the per-call work dir (scenario, pcap, SIPp logs) even when SIPp exits 0. */
  keepWorkDir?: boolean;
}

/** A tone as SIPp was scheduled to send it: epoch ms on this host's clock. */
export interface SentTone {
  digit: string;
  /** First RTP event packet (marker bit). */
  startAt: number;
  /** The end-of-event packets (E bit, sent three times): Asterisk reports the digit on these. */
  endAt: number;
}

export interface DtmfSippResult extends SippResult {
  /** Epoch ms (SIPp's clock) at which the call was answered and the RTP stream started; null if it never was. */
  answeredAt: number | null;
  /** The tones whose end packets were due before the call ended, in order. */
  sent: SentTone[];
  /** Who sent the BYE, per the SIPp log; null if the call did not end normally. */
  hungUpBy: 'caller' | 'server' | null;
  /** The per-call directory (scenario, pcap, logs); removed after a clean exit unless `keepWorkDir`. */
  workDir: string;
}

type BasicCallOptions = { scenario: 'caller-until-bye' | 'caller-hangs-up'; service?: string; pauseMs?: number; timeoutS?: number };

/**
 * One SIPp call from the trunk's address (127.0.0.2: Asterisk identifies the trunk by source IP).
 * Each call uses its own SIP and media ports so a straggling process never collides with the next.
 *
 * `caller-dtmf` renders test/integration/sipp/caller-dtmf.xml and an RTP pcap for this one call into a
 * temp dir: see `planDtmf` for the timeline and why the pcap is generated rather than Debian's.
 */
export function sippCall(options: DtmfCallOptions): SippCall<DtmfSippResult>;
export function sippCall(options: BasicCallOptions): SippCall;
export function sippCall(options: BasicCallOptions | DtmfCallOptions): SippCall<SippResult> | SippCall<DtmfSippResult> {
  if (options.scenario === 'caller-dtmf') return dtmfCall(options);
  const args = [
    '-sf', `${SCENARIOS}/${options.scenario}.xml`,
    ...(options.pauseMs !== undefined ? ['-d', String(options.pauseMs)] : []),
  ];
  return { done: runSipp(args, options.service, options.timeoutS ?? 40, '/tmp') };
}

function runSipp(scenarioArgs: string[], service: string | undefined, timeoutS: number, cwd: string): Promise<SippResult> {
  const sipPort = nextPort++;
  const mediaPort = 20000 + (sipPort - 15060) * 10;
  const args = [
    ...scenarioArgs,
    '-i', '127.0.0.2', '-p', String(sipPort), '-mi', '127.0.0.2', '-mp', String(mediaPort),
    '-s', service ?? '100',
    '-m', '1', '-nostdin', '-timeout', `${timeoutS}s`,
    '127.0.0.1:5060',
  ];
  const started = Date.now();
  const child = spawn('sipp', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return new Promise<SippResult>((res) => child.on('exit', (code) => res({ code, output, elapsedMs: Date.now() - started })));
}

// ---------------------------------------------------------------------------------------------
// DTMF caller

const PTIME_MS = 20;
const SAMPLES_PER_MS = 8; // 8 kHz
const PCMA_PT = 8;
const EVENT_PT = 101; // must match the SDP offer in caller-dtmf.xml (a=rtpmap:101 telephone-event/8000)
const EVENT_CODES = '0123456789*#ABCD';

export interface PlannedTone {
  digit: string;
  /** ms from the answer. */
  startMs: number;
  endMs: number;
}

const grid = (ms: number) => Math.max(0, Math.round(ms / PTIME_MS) * PTIME_MS);

/** The tones of a DTMF script on the 20 ms packet grid, ms from the answer. Pure. */
export function planDtmf(steps: DtmfStep[]): PlannedTone[] {
  const tones: PlannedTone[] = [];
  let cursor = 0;
  for (const step of steps) {
    const digits = [...step.digits.replace(/\s+/g, '').toUpperCase()];
    if (digits.length === 0) throw new Error(`DTMF step without digits: ${JSON.stringify(step)}`);
    const toneMs = Math.max(PTIME_MS * 2, grid(step.toneMs ?? 100));
    const gapMs = Math.max(PTIME_MS * 2, grid(step.gapMs ?? 100));
    cursor += grid(step.afterMs);
    digits.forEach((digit, i) => {
      if (!EVENT_CODES.includes(digit)) throw new Error(`not a DTMF digit: '${digit}' (0-9, *, #, A-D)`);
      if (i > 0) cursor += gapMs;
      tones.push({ digit, startMs: cursor, endMs: cursor + toneMs });
      cursor += toneMs;
    });
  }
  return tones;
}

/**
 * One RTP stream for the whole call, as a classic pcap (Ethernet/IPv4/UDP) for SIPp's play_pcap_audio:
 * PCMA silence every 20 ms, and during each tone RFC 4733 telephone-event packets instead (marker on the
 * first, duration growing by 160 samples a packet, the end packet sent three times with new sequence
 * numbers, as Asterisk itself sends them). One SSRC, sequence numbers and timestamps that only go
 * forward: SIPp replays RTP headers as they are in the file (it rewrites only the UDP ports), so the
 * per-digit pcaps Debian ships (/usr/share/sip-tester/dtmf_2833_*.pcap, all cut from one recorded
 * session) replay with fixed, out-of-order timestamps and sequence numbers.
 */
export function buildDtmfPcap(tones: PlannedTone[], mediaMs: number): Buffer {
  const ssrc = randomInt(1, 0xffffffff);
  let seq = randomInt(0, 0x8000);
  const ts0 = randomInt(0, 0x40000000);
  const packets: { atMs: number; rtp: Buffer }[] = [];
  const rtp = (atMs: number, pt: number, marker: boolean, timestamp: number, payload: Buffer) => {
    const header = Buffer.alloc(12);
    header[0] = 0x80;
    header[1] = (marker ? 0x80 : 0) | pt;
    header.writeUInt16BE(seq, 2);
    header.writeUInt32BE((ts0 + timestamp) >>> 0, 4);
    header.writeUInt32BE(ssrc, 8);
    seq = (seq + 1) & 0xffff;
    packets.push({ atMs, rtp: Buffer.concat([header, payload]) });
  };
  const silence = Buffer.alloc(PTIME_MS * SAMPLES_PER_MS, 0xd5); // A-law silence
  const event = (code: number, end: boolean, duration: number) => Buffer.from([code, (end ? 0x80 : 0) | 10, duration >> 8, duration & 0xff]);

  const end = Math.max(mediaMs, tones.at(-1)?.endMs ?? 0);
  let t = 0;
  let firstAudio = true;
  for (const tone of tones) {
    for (; t < tone.startMs; t += PTIME_MS) {
      rtp(t, PCMA_PT, firstAudio, t * SAMPLES_PER_MS, silence);
      firstAudio = false;
    }
    const code = EVENT_CODES.indexOf(tone.digit);
    const start = tone.startMs * SAMPLES_PER_MS;
    for (let at = tone.startMs; at < tone.endMs; at += PTIME_MS) {
      rtp(at, EVENT_PT, at === tone.startMs, start, event(code, false, (at - tone.startMs + PTIME_MS) * SAMPLES_PER_MS));
    }
    const total = (tone.endMs - tone.startMs) * SAMPLES_PER_MS;
    for (let i = 0; i < 3; i++) rtp(tone.endMs, EVENT_PT, false, start, event(code, true, total));
    t = tone.endMs + PTIME_MS;
    firstAudio = true; // audio after an event starts a new talkspurt
  }
  for (; t <= end; t += PTIME_MS) {
    rtp(t, PCMA_PT, firstAudio, t * SAMPLES_PER_MS, silence);
    firstAudio = false;
  }
  return pcapFile(packets);
}

/** Classic pcap, link type Ethernet, 127.0.0.2:10000 → 127.0.0.1:10000 (SIPp replaces ports; addresses are ignored). */
function pcapFile(packets: { atMs: number; rtp: Buffer }[]): Buffer {
  const global = Buffer.alloc(24);
  global.writeUInt32LE(0xa1b2c3d4, 0);
  global.writeUInt16LE(2, 4);
  global.writeUInt16LE(4, 6);
  global.writeUInt32LE(65535, 16);
  global.writeUInt32LE(1, 20); // LINKTYPE_ETHERNET
  const chunks = [global];
  const base = 1_700_000_000;
  for (const { atMs, rtp } of packets) {
    const udpLen = 8 + rtp.length;
    const ip = Buffer.alloc(20);
    ip[0] = 0x45;
    ip.writeUInt16BE(20 + udpLen, 2);
    ip[8] = 64;
    ip[9] = 17; // UDP
    Buffer.from([127, 0, 0, 2]).copy(ip, 12);
    Buffer.from([127, 0, 0, 1]).copy(ip, 16);
    let sum = 0;
    for (let i = 0; i < 20; i += 2) sum += ip.readUInt16BE(i);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
    ip.writeUInt16BE(~sum & 0xffff, 10);
    const udp = Buffer.alloc(8);
    udp.writeUInt16BE(10000, 0);
    udp.writeUInt16BE(10000, 2);
    udp.writeUInt16BE(udpLen, 4);
    const eth = Buffer.from([0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2, 0x08, 0x00]);
    const frame = Buffer.concat([eth, ip, udp, rtp]);
    const header = Buffer.alloc(16);
    header.writeUInt32LE(base + Math.floor(atMs / 1000), 0);
    header.writeUInt32LE((atMs % 1000) * 1000, 4);
    header.writeUInt32LE(frame.length, 8);
    header.writeUInt32LE(frame.length, 12);
    chunks.push(header, frame);
  }
  return Buffer.concat(chunks);
}

/** Fills the {{placeholders}} of caller-dtmf.xml. */
export function renderDtmfScenario(options: { pcapPath: string; hangupAfterMs?: number; timeoutS: number }): string {
  const template = readFileSync(join(SCENARIOS, 'caller-dtmf.xml'), 'utf8');
  const byCaller = options.hangupAfterMs !== undefined;
  const values: Record<string, string> = {
    PCAP: options.pcapPath,
    // Without hangupAfterMs a missing BYE is a failure: the recv times out with no ontimeout, SIPp fails the call.
    BYE_WAIT_MS: String(byCaller ? Math.max(1, Math.round(options.hangupAfterMs!)) : options.timeoutS * 1000),
    ON_TIMEOUT: byCaller ? 'ontimeout="caller_hangs_up"' : '',
  };
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    if (!(key in values)) throw new Error(`caller-dtmf.xml: unknown placeholder {{${key}}}`);
    return values[key]!;
  });
}

function dtmfCall(options: DtmfCallOptions): SippCall<DtmfSippResult> {
  const tones = planDtmf(options.dtmf);
  const lastEnd = tones.at(-1)?.endMs ?? 0;
  const mediaMs = options.mediaMs ?? Math.max(lastEnd + 1000, options.hangupAfterMs ?? 0);
  const timeoutS = options.timeoutS ?? Math.max(40, Math.ceil(Math.max(lastEnd, options.hangupAfterMs ?? 0) / 1000) + 30);
  const workDir = mkdtempSync(join(tmpdir(), 'switchboard-sipp-'));
  const pcapPath = join(workDir, 'media.pcap');
  const logPath = join(workDir, 'sipp-log.txt');
  writeFileSync(pcapPath, buildDtmfPcap(tones, mediaMs));
  writeFileSync(join(workDir, 'caller-dtmf.xml'), renderDtmfScenario({ pcapPath, hangupAfterMs: options.hangupAfterMs, timeoutS }));

  const args = ['-sf', join(workDir, 'caller-dtmf.xml'), '-trace_logs', '-log_file', logPath];
  const done = runSipp(args, options.service, timeoutS, workDir).then((result): DtmfSippResult => {
    let log = '';
    try {
      log = readFileSync(logPath, 'utf8');
    } catch {
      // SIPp did not get as far as logging
    }
    // <log message="answered [timestamp]"/> → "answered 2026-11-23\t03:24:33.147465\t1795404273.147465"
    const stamp = (tag: string) => {
      const m = new RegExp(`^${tag} .*\\t(\\d+\\.\\d+)$`, 'm').exec(log);
      return m ? Math.round(Number(m[1]) * 1000) : null;
    };
    const answeredAt = stamp('answered');
    const endedAt = stamp('bye-received') ?? stamp('bye-sent');
    const hungUpBy = stamp('bye-received') !== null ? 'server' : stamp('bye-sent') !== null ? 'caller' : null;
    const sent =
      answeredAt === null
        ? []
        : tones
            .map((t) => ({ digit: t.digit, startAt: answeredAt + t.startMs, endAt: answeredAt + t.endMs }))
            .filter((t) => endedAt === null || t.endAt <= endedAt);
    if (result.code === 0 && !options.keepWorkDir) rmSync(workDir, { recursive: true, force: true });
    return { ...result, output: `${result.output}\n--- SIPp log (${workDir}) ---\n${log}`, answeredAt, sent, hungUpBy, workDir };
  });
  return { done };
}
