import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AdmZip from 'adm-zip';
import {
  AppPackageError,
  buildAppPackage,
  fillPlaceholders,
  isSandbox,
  packageApp,
  resolvePackageIds,
  SANDBOX_BOT_ID,
  SANDBOX_TEAMS_APP_ID,
} from '../../../scripts/packageApp';
import { APP_PACKAGE_DIR, ManifestShape } from './manifestFiles';
import { validateManifest } from './teamsSchemas';

const APP_ID = '0f8e7d6c-5b4a-4938-8271-605f4e3d2c1b';
const BOT_ID = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';

describe('fillPlaceholders', () => {
  it('replaces every ${{NAME}} with its value, escaped for a JSON string', () => {
    const text =
      '{"id":"${{TEAMS_APP_ID}}","bot":"${{ BOT_ID }}","again":"${{TEAMS_APP_ID}}","q":"${{QUOTE}}"}';
    const filled = fillPlaceholders(text, { TEAMS_APP_ID: APP_ID, BOT_ID, QUOTE: 'a"b' });
    expect(JSON.parse(filled)).toEqual({ id: APP_ID, bot: BOT_ID, again: APP_ID, q: 'a"b' });
  });

  it('refuses to leave a placeholder unfilled and names it', () => {
    expect(() => fillPlaceholders('"${{BOT_ID}}" "${{OTHER}}"', { BOT_ID })).toThrow(
      new AppPackageError('no value for placeholder(s): OTHER'),
    );
  });
});

describe('resolvePackageIds', () => {
  it('treats the environment as sandbox unless NODE_ENV or APP_MODE is production', () => {
    expect(isSandbox({})).toBe(true);
    expect(isSandbox({ NODE_ENV: 'development', APP_MODE: 'sandbox' })).toBe(true);
    expect(isSandbox({ NODE_ENV: 'production' })).toBe(false);
    expect(isSandbox({ APP_MODE: 'production' })).toBe(false);
    // The bot's rule: an explicit APP_MODE wins over NODE_ENV.
    expect(isSandbox({ NODE_ENV: 'production', APP_MODE: 'sandbox' })).toBe(true);
  });

  it('falls back to the fixed sandbox ids in sandbox mode', () => {
    expect(resolvePackageIds({})).toEqual({ TEAMS_APP_ID: SANDBOX_TEAMS_APP_ID, BOT_ID: SANDBOX_BOT_ID });
  });

  it('takes TEAMS_APP_ID and BOT_ID from the environment, BOT_ID before MicrosoftAppId', () => {
    expect(resolvePackageIds({ TEAMS_APP_ID: APP_ID, BOT_ID, MicrosoftAppId: SANDBOX_BOT_ID })).toEqual({
      TEAMS_APP_ID: APP_ID,
      BOT_ID,
    });
  });

  it('uses MicrosoftAppId as the bot id when BOT_ID is not set', () => {
    expect(
      resolvePackageIds({ NODE_ENV: 'production', TEAMS_APP_ID: APP_ID, MicrosoftAppId: BOT_ID }).BOT_ID,
    ).toBe(BOT_ID);
  });

  it.each([{ NODE_ENV: 'production' }, { APP_MODE: 'production' }])(
    'fails clearly outside sandbox when no bot id is set (%o)',
    (mode) => {
      expect(() => resolvePackageIds({ ...mode, TEAMS_APP_ID: APP_ID })).toThrow(/BOT_ID is not set/);
    },
  );

  it('fails clearly outside sandbox when TEAMS_APP_ID is not set', () => {
    expect(() => resolvePackageIds({ APP_MODE: 'production', BOT_ID })).toThrow(/TEAMS_APP_ID is not set/);
  });

  it('rejects an id that is not a GUID', () => {
    expect(() => resolvePackageIds({ BOT_ID: 'my-bot' })).toThrow(/BOT_ID must be a GUID/);
  });
});

describe('buildAppPackage', () => {
  const zip = () => new AdmZip(buildAppPackage(APP_PACKAGE_DIR, { TEAMS_APP_ID: APP_ID, BOT_ID }));

  it('holds manifest.json, both icons and the French file, all at the root', () => {
    expect(
      zip()
        .getEntries()
        .map((e) => e.entryName)
        .sort(),
    ).toEqual(['color.png', 'fr-fr.json', 'manifest.json', 'outline.png']);
  });

  it('carries a manifest with the ids filled in that still validates', async () => {
    const text = zip().readAsText('manifest.json');
    expect(text).not.toContain('${{');
    const manifest = ManifestShape.parse(JSON.parse(text));
    expect(manifest.id).toBe(APP_ID);
    expect(manifest.bots[0].botId).toBe(BOT_ID);
    expect(await validateManifest(JSON.parse(text))).toEqual([]);
  });

  it('copies the icons and the French file byte for byte', () => {
    const archive = zip();
    for (const file of ['color.png', 'outline.png', 'fr-fr.json']) {
      expect(archive.readFile(file)?.equals(readFileSync(join(APP_PACKAGE_DIR, file)))).toBe(true);
    }
  });
});

describe('packageApp', () => {
  let outDir: string;

  beforeEach(() => {
    outDir = mkdtempSync(join(tmpdir(), 'app-package-'));
  });

  afterEach(() => {
    rmSync(outDir, { recursive: true, force: true });
  });

  it('writes build/appPackage.sandbox.zip with the sandbox ids by default', () => {
    const { zipPath, ids } = packageApp({ appPackageDir: APP_PACKAGE_DIR, outDir, env: {} });
    expect(zipPath).toBe(join(outDir, 'appPackage.sandbox.zip'));
    expect(ids).toEqual({ TEAMS_APP_ID: SANDBOX_TEAMS_APP_ID, BOT_ID: SANDBOX_BOT_ID });
    const manifest = ManifestShape.parse(JSON.parse(new AdmZip(zipPath).readAsText('manifest.json')));
    expect(manifest.bots[0].botId).toBe(SANDBOX_BOT_ID);
  });

  it('names the zip after the environment given, production by default outside sandbox', () => {
    const env = { NODE_ENV: 'production', TEAMS_APP_ID: APP_ID, BOT_ID };
    expect(packageApp({ appPackageDir: APP_PACKAGE_DIR, outDir, env }).zipPath).toBe(
      join(outDir, 'appPackage.production.zip'),
    );
    expect(
      packageApp({ appPackageDir: APP_PACKAGE_DIR, outDir, env, environmentName: 'staging' }).zipPath,
    ).toBe(join(outDir, 'appPackage.staging.zip'));
  });

  it('writes nothing when the ids cannot be resolved', () => {
    expect(() =>
      packageApp({ appPackageDir: APP_PACKAGE_DIR, outDir, env: { APP_MODE: 'production' } }),
    ).toThrow(AppPackageError);
    expect(existsSync(join(outDir, 'appPackage.production.zip'))).toBe(false);
  });
});
