// Direct ARI access for tests: set dialplan globals, check for leftover channels.
export const ARI_URL = process.env.SWITCHBOARD_ARI_URL ?? 'http://127.0.0.1:8088';
const ARI_USER = process.env.SWITCHBOARD_ARI_USER ?? 'switchboard';
const ARI_PASSWORD = process.env.SWITCHBOARD_ARI_PASSWORD ?? 'switchboard-dev';

export async function ari(method: string, path: string, query: Record<string, string> = {}): Promise<unknown> {
  const qs = new URLSearchParams(query).toString();
  const res = await fetch(`${ARI_URL}/ari${path}${qs ? `?${qs}` : ''}`, {
    method,
    headers: { authorization: 'Basic ' + Buffer.from(`${ARI_USER}:${ARI_PASSWORD}`).toString('base64') },
    signal: AbortSignal.timeout(5_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`ARI ${method} ${path} → ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

export async function channels(): Promise<{ id: string; name: string; state: string; dialplan: { app_name: string } }[]> {
  return (await ari('GET', '/channels')) as never;
}

export async function setGlobal(variable: string, value: string): Promise<void> {
  await ari('POST', '/asterisk/variable', { variable, value });
}

/** Hangs up whatever an earlier run left behind and waits until Asterisk has no channels. */
export async function clearAsterisk(): Promise<void> {
  for (const c of await channels()) await ari('DELETE', `/channels/${c.id}`).catch(() => undefined);
  await waitFor(async () => (await channels()).length === 0, 10_000, 'Asterisk to have no channels');
}

export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
