import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../../src/config';
import { PRODUCTION_ENV, configRefusal, productionWithout } from '../../support/productionEnv';

const KEY = PRODUCTION_ENV.ENCRYPTION_KEY;
describe('production start: credentials and the encryption key', () => {
  it('starts with everything set', () => {
    expect(parseConfig(PRODUCTION_ENV).encryption).toMatchObject({ key: KEY, generateKeyFile: false });
  });

  it('refuses to start without an encryption key, and says so', () => {
    expect(configRefusal(productionWithout('ENCRYPTION_KEY')).problems).toEqual([
      'ENCRYPTION_KEY: required in production mode (or ENCRYPTION_KEY_FILE)',
    ]);
  });

  it('refuses to start without credentials, listing each missing one with the key', () => {
    const problems = configRefusal(
      productionWithout(
        'MicrosoftAppId',
        'MicrosoftAppPassword',
        'PARTNER_CENTER_CLIENT_ID',
        'PARTNER_CENTER_CLIENT_SECRET',
        'ENCRYPTION_KEY',
      ),
    ).problems;
    for (const name of [
      'MicrosoftAppId',
      'MicrosoftAppPassword',
      'PARTNER_CENTER_CLIENT_ID',
      'PARTNER_CENTER_CLIENT_SECRET',
      'ENCRYPTION_KEY',
    ]) {
      expect(problems.filter((p) => p.startsWith(`${name}:`))).toHaveLength(1);
    }
  });

  it('accepts the key from a file, and names a file that is not there', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apo-prod-key-'));
    try {
      const file = path.join(dir, 'encryption.key');
      fs.writeFileSync(file, KEY);
      expect(
        parseConfig({ ...productionWithout('ENCRYPTION_KEY'), ENCRYPTION_KEY_FILE: file }).encryption,
      ).toMatchObject({
        keyFile: file,
        generateKeyFile: false,
      });
      expect(
        configRefusal({
          ...productionWithout('ENCRYPTION_KEY'),
          ENCRYPTION_KEY_FILE: path.join(dir, 'missing'),
        }).problems,
      ).toEqual([`ENCRYPTION_KEY_FILE: no file at ${path.join(dir, 'missing')}`]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names a key of the wrong size (or a bad previous key) without printing it', () => {
    const short = Buffer.from('sixteen-byte-key').toString('base64');
    const error = configRefusal({
      ...PRODUCTION_ENV,
      ENCRYPTION_KEY: short,
      ENCRYPTION_KEYS_PREVIOUS: `${KEY},not base64!`,
    });
    expect(error.problems).toEqual([
      'ENCRYPTION_KEY: must be 32 bytes in base64 (got 16 bytes)',
      'ENCRYPTION_KEYS_PREVIOUS (entry 2): must be 32 random bytes in base64',
    ]);
    expect(error.message).not.toContain(short);
    expect(error.message).not.toContain(KEY);
  });

  it('refuses signing keys over plain http in production', () => {
    expect(
      configRefusal({
        ...PRODUCTION_ENV,
        ToBotFromChannelOpenIdMetadataUrl: 'http://keys.example.com/openid',
      }).problems,
    ).toEqual(['ToBotFromChannelOpenIdMetadataUrl: must be an https:// URL in production mode']);
  });
});
