import { join } from 'node:path';
import type { CountryCode } from 'libphonenumber-js';
import pino from 'pino';
import { createAriDownload, createAriHttp } from './adapters/ari/ari-http.js';
import { startAriEventSocket } from './adapters/ari/ari-event-socket.js';
import { mapAriEvent } from './adapters/ari/ari-event-mapper.js';
import { createAriSoftphones } from './adapters/ari/ari-softphones.js';
import { createAriTelephony } from './adapters/ari/ari-telephony.js';
import { createFlowCatalog } from './adapters/flows/flow-catalog.js';
import { watchFlows } from './adapters/flows/flow-watcher.js';
import { defaultAsteriskSoundsDir, mediaChecker } from './adapters/flows/media-files.js';
import { createFetchHttpClient } from './adapters/http-client/fetch-http-client.js';
import { formatProblem } from './adapters/flows/yaml-source.js';
import { databaseOk, openDatabase } from './adapters/sqlite/database.js';
import { createSqliteAcdConfigStore } from './adapters/sqlite/sqlite-acd-config-store.js';
import { createSqliteAcdStateStore } from './adapters/sqlite/sqlite-acd-state-store.js';
import { createSqliteApiKeyStore } from './adapters/sqlite/sqlite-api-key-store.js';
import { createSqliteCalendarOverrideStore } from './adapters/sqlite/sqlite-calendar-override-store.js';
import { createSqliteCallStore } from './adapters/sqlite/sqlite-call-store.js';
import { createSqliteRecordingStore } from './adapters/sqlite/sqlite-recording-store.js';
import { createSqliteSoftphoneStore } from './adapters/sqlite/sqlite-softphone-store.js';
import { createSqliteStatsStore } from './adapters/sqlite/sqlite-stats-store.js';
import { createSqliteContactStore } from './adapters/sqlite/sqlite-contact-store.js';
import { createRecordingFiles } from './adapters/recordings/recording-files.js';
import { ConfigError, loadConfig } from './config/load-config.js';
import { createAcdEngine } from './core/acd/acd-engine.js';
import { buildApp } from './http/build-app.js';
import { createAcdService } from './services/acd-service.js';
import { createApiKeyService } from './services/api-key-service.js';
import { createCalendarOverrideService } from './services/calendar-override-service.js';
import { createCallRuntime, type CallRuntime } from './services/call-runtime.js';
import { createMetrics, type OfferResult } from './services/metrics.js';
import { createTodayFeed } from './services/queue-today-feed.js';
import { createRecordingService } from './services/recording-service.js';
import { createSoftphoneService } from './services/softphone-service.js';
import { createStatsService } from './services/stats-service.js';
import { createContactService } from './services/contact-service.js';
import { VERSION } from './version.js';

// The composition root: config → adapters → services → HTTP → listen. Nothing else wires
// concrete things together.
async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`switchboard: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = pino({ level: config.logLevel, base: { service: 'switchboard' } });
  const now = () => Date.now();
  const startedAt = now();

  const flows = createFlowCatalog({
    dir: config.flowsDir,
    defaultFlow: config.entryFlow,
    now,
    mediaExists: mediaChecker(config.soundsDir, config.asteriskSoundsDir || defaultAsteriskSoundsDir()),
  });
  const reloadFlows = (why: string) => {
    const problems = flows.reload();
    for (const p of problems) {
      if (p.severity === 'warning') logger.warn({ file: p.file }, `flow warning: ${formatProblem(p)}`);
      else logger.error({ file: p.file }, `flow rejected: ${formatProblem(p)}`);
    }
    logger.info({ why, flows: flows.list().map((f) => ({ id: f.id, status: f.status, version: f.version })) }, 'flows loaded');
  };
  reloadFlows('startup');
  const watcher = config.watchFlows ? watchFlows(config.flowsDir, () => reloadFlows('file change')) : null;

  const db = openDatabase(join(config.dataDir, 'switchboard.db'));
  const calls = createSqliteCallStore(db);
  const keys = createApiKeyService(createSqliteApiKeyStore(db));

  // Manual calendar overrides ("closed today"), set over the calendars API: stored in SQLite and
  // kept in memory, so the runtime reads them on every call event without a query.
  const overrides = createCalendarOverrideService(createSqliteCalendarOverrideStore(db));

  const ariHttp = { url: config.ariUrl, user: config.ariUser, password: config.ariPassword, timeoutMs: config.ariRequestTimeoutMs };
  const request = createAriHttp(ariHttp);
  const telephony = createAriTelephony(request, config.ariApp, createAriDownload(ariHttp));
  // Agents' softphones live in Asterisk's memory: pushed again on every ARI connect.
  const softphones = createSoftphoneService({
    store: createSqliteSoftphoneStore(db), provisioner: createAriSoftphones(request), endpointStates: () => telephony.endpointStates(), now, logger,
  });

  const acdConfig = createSqliteAcdConfigStore(db, now);
  // The stats projection is folded in the same transaction as each ACD journal row; queries catch
  // it up first anyway, so a failed fold only costs time.
  const statsStore = createSqliteStatsStore(db, { onError: (err, seq) => logger.error({ err, seq }, 'stats: projection fold failed; it catches up at the next query') });
  // Each journal row, in its append: the stats projection folds it, the offer counter counts it.
  const acdState = createSqliteAcdStateStore(db, {
    onAppend: (row) => {
      statsStore.apply(row);
      countOffer(row.type, row.data);
    },
  });
  statsStore.catchUp();
  const stats = createStatsService({ store: statsStore, queues: () => acdConfig.listQueues(), agents: () => acdConfig.listAgents(), now, timeZone: config.statsTimeZone });
  let runtime: CallRuntime | null = null;
  // The gauges read these on each scrape only, once everything below exists.
  const metrics = createMetrics({
    activeCalls: () => calls_.activeCount(),
    ariConnected: () => socket.connected(),
    queues: () => acd.snapshots(),
    agents: () => acd.agents(),
  });
  // One contact per trusted caller number (the trunk's caller id), so the contact's timeline shows
  // every call from it. A failure here must never stop a call from starting.
  const region = config.defaultPhoneRegion as CountryCode; // checked by loadConfig
  const contacts = createContactService({ store: createSqliteContactStore(db, { defaultRegion: region }), defaultRegion: region, now });
  const linkCaller = (call: { direction: string; callerNumber: string; startedAt: number }) => {
    if (call.direction !== 'inbound') return;
    try {
      contacts.linkCaller(call.callerNumber, call.startedAt);
    } catch (err) {
      logger.warn({ err }, 'contacts: could not link the caller');
    }
  };
  // Runs inside the journal's transaction: a counter must never cost a journal row.
  const countOffer = (type: string, data: Record<string, unknown>) => {
    try {
      if (type === 'acd.offer.answered') metrics.acdOffer('answered');
      else if (type === 'acd.offer.missed' || type === 'acd.offer.cancelled') metrics.acdOffer(String(data.reason) as OfferResult);
    } catch (err) {
      logger.warn({ err, type }, 'metrics: offer not counted');
    }
  };
  const recordingStore = createSqliteRecordingStore(db);
  const recordingFiles = createRecordingFiles(join(config.dataDir, 'recordings'));
  const recordings = createRecordingService({
    telephony,
    store: recordingStore,
    files: recordingFiles,
    callJournal: (callId, at, type, data) => calls.append(callId, at, type, data),
    queue: (id) => acdConfig.getQueue(id),
    now,
    logger,
    metrics,
  });
  const acd = createAcdService({
    engine: createAcdEngine(),
    configStore: acdConfig,
    stateStore: acdState,
    telephony,
    calls: () => runtime!,
    callJournal: (callId, at, type, data) => calls.append(callId, at, type, data),
    now,
    logger,
    conversations: { started: recordings.conversationStarted, adopted: recordings.conversationAdopted, ended: recordings.conversationEnded },
  });

  runtime = createCallRuntime({
    telephony,
    store: { ...calls, startCall: (call) => {
      calls.startCall(call);
      metrics.callStarted(call.direction);
      linkCaller(call);
    } },
    flows,
    http: createFetchHttpClient(),
    calendarOverrides: overrides.current,
    fallbackContext: config.fallbackContext,
    now,
    logger,
    queues: acd.voice,
    onMask: recordings.onMask,
  });
  const calls_ = runtime;
  await acd.start();

  let reconcileTimer: NodeJS.Timeout | null = null;
  const reconcile = () => {
    if (reconcileTimer) clearTimeout(reconcileTimer);
    reconcileTimer = null;
    void acd.resync();
    calls_.reconcile().then(() => calls_.idle().then(() => {
      acd.afterReconcile();
      void recordings.reconcile().catch((err: unknown) => logger.warn({ err }, 'recordings: reconcile failed'));
    }), (err: unknown) => {
      logger.warn({ err }, 'calls: reconcile failed; retrying in 2 s');
      reconcileTimer = setTimeout(reconcile, 2_000);
    });
  };
  const socket = startAriEventSocket(
    { url: config.ariUrl, user: config.ariUser, password: config.ariPassword, app: config.ariApp, logger },
    {
      onEvent: (event) => {
        const mapped = mapAriEvent(event, now());
        if (!mapped) return;
        calls_.handle(mapped);
        acd.handleTelephony(mapped);
        recordings.handle(mapped);
      },
      onConnected: () => {
        void softphones.provisionAll();
        reconcile();
      },
      onDisconnected: () => undefined,
    },
  );

  const todayFeed = createTodayFeed({ control: acd, today: (queueId) => stats.today(queueId), logger });
  const app = await buildApp({
    metrics,
    logger,
    calls,
    keys,
    now,
    flows: { catalog: flows, reload: () => reloadFlows('API') },
    calendarOverrides: overrides,
    acd: { control: acd, config: acdConfig, journal: acdState, today: todayFeed },
    softphones,
    recordings: { service: recordings, store: recordingStore, files: recordingFiles },
    stats,
    contacts,
    health: { ariConnected: socket.connected, dbOk: () => databaseOk(db), activeCalls: calls_.activeCount, version: VERSION, startedAt, now },
  });
  await app.listen({ host: config.host, port: config.port });

  process.on('SIGHUP', () => reloadFlows('SIGHUP'));

  // Retention: once shortly after start, then daily.
  const purge = () => void recordings.purge().then((n) => n > 0 && logger.info({ purged: n }, 'recordings: retention purge'), (err: unknown) => logger.error({ err }, 'recordings: purge failed'));
  const purgeFirst = setTimeout(purge, 60_000);
  const purgeDaily = setInterval(purge, 86_400_000);
  purgeFirst.unref();
  purgeDaily.unref();

  // Calls stay in Stasis when we stop; the next process re-adopts them on connect, so shutdown
  // only has to stop taking work and flush what is queued.
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), config.shutdownGraceMs);
    force.unref();
    await app.close().catch(() => undefined);
    await watcher?.close();
    await socket.close();
    todayFeed.stop();
    acd.stop();
    softphones.stop();
    await calls_.idle();
    await recordings.idle();
    db.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`switchboard: failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
