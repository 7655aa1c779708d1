// DTMF-to-next-prompt latency on real calls: SIPp callers press keys in a menu whose every option
// plays a prompt (flows/dtmf-loop.yaml); an observer ARI app subscribed to everything takes
// Asterisk's own timestamps of ChannelDtmfReceived and of the next PlaybackStarted on that
// channel. The difference is what a caller waits: our server's reaction plus two ARI hops.
// Run (Asterisk up, nothing else calling): npx tsx bench/ivr-dtmf-latency.ts [calls] [digits per call]
import { resolve } from 'node:path';
import WebSocket from 'ws';
import { parseAriTime } from '../src/adapters/ari/ari-event-mapper.js';
import { clearAsterisk } from '../test/integration/support/asterisk.js';
import { createKey, newDataDir, startServer } from '../test/integration/support/server-process.js';
import { sippCall } from '../test/integration/support/sipp.js';

const CALLS = Number(process.argv[2] ?? 20);
const DIGITS = Number(process.argv[3] ?? 10);
const ARI = process.env.SWITCHBOARD_ARI_URL ?? 'http://127.0.0.1:8088';
const AUTH = `${process.env.SWITCHBOARD_ARI_USER ?? 'switchboard'}:${process.env.SWITCHBOARD_ARI_PASSWORD ?? 'switchboard-dev'}`;

const pendingDigit = new Map<string, number>();
const samples: number[] = [];
const observer = new WebSocket(`${ARI.replace(/^http/, 'ws')}/ari/events?app=bench-observer&subscribeAll=true&api_key=${encodeURIComponent(AUTH)}`);
observer.on('message', (raw) => {
  const e = JSON.parse(String(raw)) as { type: string; timestamp: string; channel?: { id: string }; playback?: { target_uri: string } };
  const at = parseAriTime(e.timestamp);
  if (at === null) return;
  if (e.type === 'ChannelDtmfReceived' && e.channel) pendingDigit.set(e.channel.id, at);
  if (e.type === 'PlaybackStarted' && e.playback?.target_uri.startsWith('channel:')) {
    const channel = e.playback.target_uri.slice('channel:'.length);
    const digitAt = pendingDigit.get(channel);
    if (digitAt !== undefined) {
      samples.push(at - digitAt);
      pendingDigit.delete(channel);
    }
  }
});
await new Promise((r, j) => (observer.once('open', r), observer.once('error', j)));

await clearAsterisk();
const dataDir = newDataDir();
const server = await startServer({ dataDir, key: createKey(dataDir), flowsDir: resolve(import.meta.dirname, 'flows'), entryFlow: 'dtmf-loop', env: { SWITCHBOARD_LOG_LEVEL: 'warn' } });
const keys = '123';
const started = Date.now();
const calls = Array.from({ length: CALLS }, (_, i) =>
  new Promise((r) => setTimeout(r, i * 150)).then(
    () =>
      sippCall({
        scenario: 'caller-dtmf',
        dtmf: Array.from({ length: DIGITS }, (_, d) => ({ afterMs: d === 0 ? 1_000 : 1_200, digits: keys[(i + d) % 3] as string })),
        hangupAfterMs: 1_000 + DIGITS * 1_400 + 500,
      }).done,
  ),
);
const results = await Promise.all(calls);
const failed = results.filter((r) => r.code !== 0).length;
await server.kill('SIGTERM');
observer.close();

samples.sort((a, b) => a - b);
const q = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))] ?? NaN;
const row = `| ${CALLS} callers × ${DIGITS} keys (${CALLS} concurrent at peak) | ${samples.length} | ${q(0.5)} ms | ${q(0.95)} ms | ${q(0.99)} ms | ${samples.at(-1)} ms | ${failed} |`;
process.stdout.write(`| Load | samples | p50 | p95 | p99 | max | failed calls |\n|---|---|---|---|---|---|---|\n${row}\n`);
process.stdout.write(`wall ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
process.exit(failed ? 1 : 0);
