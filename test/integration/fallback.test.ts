import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearAsterisk, setGlobal } from './support/asterisk.js';
import { sippCall } from './support/sipp.js';

// No Switchboard process runs in this file: Stasis() fails at once and the dialplan fallback
// (asterisk-config/extensions.conf, [switchboard-fallback]) must take the call.
describe('calls while the server is down', () => {
  beforeAll(async () => {
    await clearAsterisk();
  });

  afterAll(async () => {
    await setGlobal('FALLBACK_DIAL', '');
  });

  it('given no fallback destination, when a caller dials in, then they are answered, hear the apology and are hung up on', async () => {
    await setGlobal('FALLBACK_DIAL', '');
    const result = await sippCall({ scenario: 'caller-until-bye' }).done;
    expect(result.code, result.output).toBe(0);
    // sorry-youre-having-problems + please-try-call-later: a few seconds, not an instant drop.
    expect(result.elapsedMs).toBeGreaterThan(2_000);
  });

  it('given FALLBACK_DIAL points at an operator, when a caller dials in, then the operator line rings and takes the call', async () => {
    await setGlobal('FALLBACK_DIAL', 'PJSIP/trunk/sip:operator@127.0.0.3:5090');
    const operator = spawn('sipp', ['-sn', 'uas', '-i', '127.0.0.3', '-p', '5090', '-m', '1', '-nostdin', '-timeout', '40s'], {
      cwd: '/tmp',
      stdio: 'ignore',
    });
    const operatorDone = new Promise<number | null>((res) => operator.on('exit', (code) => res(code)));
    try {
      const caller = await sippCall({ scenario: 'caller-hangs-up', pauseMs: 6_000 }).done;
      expect(caller.code, caller.output).toBe(0);
      // The operator's SIPp exits 0 only after an INVITE it answered and the BYE that ended it.
      expect(await operatorDone).toBe(0);
    } finally {
      operator.kill('SIGKILL');
    }
  });
});
