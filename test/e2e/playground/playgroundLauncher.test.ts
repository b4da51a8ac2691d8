import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlaygroundStartError, startPlayground } from '../../../scripts/playgroundLauncher';

const REPO_ROOT = join(__dirname, '..', '..', '..');
// Nothing listens here: the Playground only calls the bot when a user acts.
const UNUSED_BOT_ENDPOINT = 'http://127.0.0.1:9/api/messages';

describe('startPlayground', () => {
  let tempDir: string;

  beforeEach(() => {
    tempDir = mkdtempSync(join(tmpdir(), 'playground-launcher-'));
  });

  afterEach(() => {
    rmSync(tempDir, { recursive: true, force: true });
  });

  it('serves the web client on the port it reports, and stop() takes it down', async () => {
    const playground = await startPlayground({
      botEndpoint: UNUSED_BOT_ENDPOINT,
      port: 0,
      cwd: REPO_ROOT,
      logFile: join(tempDir, 'playground.log'),
    });
    try {
      expect(playground.url).toBe(`http://localhost:${playground.port}`);
      const page = await fetch(playground.url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<html');
      expect(readFileSync(playground.logFile, 'utf8')).toContain(`Listening on ${playground.port}`);
    } finally {
      await playground.stop();
    }
    await expect(fetch(`${playground.url}/_debug/ping`)).rejects.toThrow();
  });

  it('fails with the tail of the Playground log when its config file is invalid', async () => {
    const configPath = join(tempDir, 'bad.yml');
    const original = readFileSync(join(REPO_ROOT, '.m365agentsplayground.yml'), 'utf8');
    // Keep the first user only: the Playground insists on exactly five besides the current user.
    writeFileSync(
      configPath,
      original.replace(/\n {2}- id: 29:isaiah-langer[\s\S]*?(?=\npersonalChat:)/, ''),
    );

    const started = startPlayground({
      botEndpoint: UNUSED_BOT_ENDPOINT,
      port: 0,
      configPath,
      logFile: join(tempDir, 'playground.log'),
    });

    await expect(started).rejects.toThrow(PlaygroundStartError);
    await expect(started).rejects.toThrow(/YAML path "\/users": must NOT have fewer than 5 items/);
  });

  it('refuses a config path that does not exist before spawning anything', async () => {
    await expect(
      startPlayground({
        botEndpoint: UNUSED_BOT_ENDPOINT,
        port: 0,
        configPath: join(tempDir, 'missing.yml'),
      }),
    ).rejects.toThrow(/config file not found/);
  });
});
