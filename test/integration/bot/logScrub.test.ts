import { randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { createLogger } from '../../../src/logging';
import { encryptedTokenCache } from '../../../src/security/encryptedTokenCache';
import { loadKeyring } from '../../../src/security/encryptionKeys';
import { DEFAULT_REFRESH_TOKEN } from '../../../src/simulator';
import { REQUESTER } from '../../support/teamsActivities';
import { startPurchaseHarness } from '../purchase/harness';
import { approveAndComplete, requestPurchase } from './purchaseThroughTeams';

/**
 * A purchase, a throttled Partner Center and a failing turn, all logged at trace level into one
 * buffer, with known secret values in play: none of them may appear in the logs.
 */
describe('logs of a purchase with known secrets', () => {
  it('never contain the client secret, the refresh tokens, the access tokens or the encryption key', async () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: 'trace',
      destination: new Writable({
        write(chunk: Buffer, _encoding, callback) {
          lines.push(chunk.toString('utf8'));
          callback();
        },
      }),
    });
    const clientSecret = `pc-client-secret-${randomUUID()}`;
    const key = randomBytes(32);
    const { keyring } = loadKeyring(
      { key: key.toString('base64'), previousKeys: [], generateKeyFile: false },
      logger,
    );

    const harness = await startPurchaseHarness({
      logger,
      partnerCenter: (simulator, store) =>
        simulator.client({
          logger: logger.child({ component: 'partner-center' }),
          credentials: {
            clientSecret,
            refreshToken: DEFAULT_REFRESH_TOKEN,
            tokenCache: encryptedTokenCache({
              store: store.kv,
              key: 'partner-center:msal-token-cache',
              keyring,
              logger: logger.child({ component: 'token-cache' }),
            }),
          },
        }),
    });
    try {
      // Partner Center throttles and fails a few calls: the retries log what they saw.
      await harness.simulator.fault({ path: '/v1/customers', status: 429, retryAfterSeconds: 0, times: 1 });
      await harness.simulator.fault({ path: '/v1/customers', status: 500, times: 1 });
      const purchase = await requestPurchase(harness);
      await approveAndComplete(harness, purchase);
      // A turn that fails: the store is closed under it, the error is logged with its correlation id.
      await harness.store.close();
      await purchase.thread.say(REQUESTER, 'requests').catch(() => undefined);
    } finally {
      await harness.close().catch(() => undefined);
    }

    const log = lines.join('');
    // The flow was logged (turns, Partner Center, the keys by id), so the scan means something.
    expect(log).toContain('turn done');
    expect(log).toContain('"component":"partner-center"');
    expect(log).toContain(keyring.currentKeyId);
    expect(log).toContain('turn failed');
    for (const secret of [
      clientSecret,
      DEFAULT_REFRESH_TOKEN,
      key.toString('base64'),
      key.toString('base64url'),
      key.toString('hex'),
    ]) {
      expect(log).not.toContain(secret);
    }
    expect(log).not.toMatch(/sim-rt-[0-9a-f-]{36}/);
    expect(log).not.toMatch(/eyJ[A-Za-z0-9_-]+\.eyJ/);
  });
});
