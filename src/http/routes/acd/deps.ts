import type { AcdConfigStore, AcdStateStore } from '../../../ports/acd-store.js';
import type { AcdControl } from '../../../services/acd-control.js';
import type { TodayFeed } from '../../../services/queue-today-feed.js';

/** What the ACD routes need: live actions, the admin-edited configuration and the journal. */
export interface AcdDeps {
  control: AcdControl;
  config: AcdConfigStore;
  journal: Pick<AcdStateStore, 'events'>;
  /** Today's counters per queue (offered, answered, abandoned, service level), polled and pushed. */
  today?: Pick<TodayFeed, 'current' | 'subscribe'>;
  /** Comment lines on the event stream keep proxies from closing it; 15 s unless a test shortens it. */
  heartbeatMs?: number;
}
