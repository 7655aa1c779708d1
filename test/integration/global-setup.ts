import { execFileSync } from 'node:child_process';
import { ari, clearAsterisk } from './support/asterisk.js';

// The integration suite needs the real stack. Provisioning failures fail the run: nothing here
// skips (CI must prove calls on a real Asterisk).
export default async function setup(): Promise<void> {
  execFileSync('bash', ['scripts/asterisk.sh', 'up'], { stdio: 'inherit', timeout: 900_000 });
  execFileSync('sh', ['-c', 'command -v sipp'], { stdio: 'ignore' });
  const info = (await ari('GET', '/asterisk/info')) as { system: { version: string } };
  process.stdout.write(`[integration] Asterisk ${info.system.version}\n`);
  await clearAsterisk();
}
