import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { validateManifest } from './teamsSchemas';
import { fillPlaceholders, SANDBOX_BOT_ID, SANDBOX_TEAMS_APP_ID } from '../../../scripts/packageApp';
import { appCommandParser, servedCommandWords } from '../../../src/app/features';
import { COMMAND_WORDS, readAppPackageText, readManifest } from './manifestFiles';

const TEAMS_LIMITS = { commandsPerList: 10, titleLength: 32, descriptionLength: 128 };
const BOT_SCOPES = ['personal', 'team', 'groupChat'];

function filledManifest(): unknown {
  return JSON.parse(
    fillPlaceholders(readAppPackageText('manifest.json'), {
      TEAMS_APP_ID: SANDBOX_TEAMS_APP_ID,
      BOT_ID: SANDBOX_BOT_ID,
    }),
  );
}

describe('appPackage/manifest.json', () => {
  it('validates against its Teams schema (bundled offline by @microsoft/app-manifest) with no errors', async () => {
    const errors = await validateManifest(filledManifest());
    expect(errors).toEqual([]);
  });

  it('uses a manifest version of 1.19 or newer whose schema the validator bundles', () => {
    const manifest = readManifest();
    const [major, minor] = manifest.manifestVersion.split('.').map(Number);
    expect(major).toBe(1);
    expect(minor).toBeGreaterThanOrEqual(19);
    expect(manifest.$schema).toBe(
      `https://developer.microsoft.com/json-schemas/teams/v${manifest.manifestVersion}/MicrosoftTeams.schema.json`,
    );
    const bundled = join(
      require.resolve('@microsoft/app-manifest/package.json'),
      '..',
      'build',
      'json-schemas',
      'teams',
      `v${manifest.manifestVersion}`,
      'MicrosoftTeams.schema.json',
    );
    expect(existsSync(bundled)).toBe(true);
  });

  it('leaves the app id and the bot id as placeholders for packageApp to fill', () => {
    const manifest = readManifest();
    expect(manifest.id).toBe('${{TEAMS_APP_ID}}');
    expect(manifest.bots[0].botId).toBe('${{BOT_ID}}');
  });

  it('names the product and points at its icons and French localization file', () => {
    const manifest = readManifest();
    expect(manifest.name.short).toBe('Azure Plan Ops');
    expect(manifest.icons).toEqual({ color: 'color.png', outline: 'outline.png' });
    expect(manifest.localizationInfo).toEqual({
      defaultLanguageTag: 'en-us',
      additionalLanguages: [{ languageTag: 'fr-fr', file: 'fr-fr.json' }],
    });
  });

  it('declares one conversational bot for personal chats, teams and group chats, without files', () => {
    const [bot, ...others] = readManifest().bots;
    expect(others).toEqual([]);
    expect([...bot.scopes].sort()).toEqual([...BOT_SCOPES].sort());
    expect(bot.supportsFiles).toBe(false);
    expect(bot.isNotificationOnly).toBe(false);
  });

  it('has one command list per bot scope', () => {
    const lists = readManifest().bots[0].commandLists;
    expect(lists.map((list) => list.scopes)).toEqual(BOT_SCOPES.map((scope) => [scope]));
  });

  it.each(BOT_SCOPES)("keeps the %s command list within Teams' limits", (scope) => {
    const list = readManifest().bots[0].commandLists.find((l) => l.scopes.includes(scope));
    if (!list) throw new Error(`no command list for ${scope}`);
    expect(list.commands.length).toBeGreaterThan(0);
    expect(list.commands.length).toBeLessThanOrEqual(TEAMS_LIMITS.commandsPerList);
    for (const command of list.commands) {
      expect(command.title.length).toBeLessThanOrEqual(TEAMS_LIMITS.titleLength);
      expect(command.description.length).toBeGreaterThan(0);
      expect(command.description.length).toBeLessThanOrEqual(TEAMS_LIMITS.descriptionLength);
    }
    const titles = list.commands.map((c) => c.title);
    expect(new Set(titles).size).toBe(titles.length);
  });

  it('offers only commands the bot serves today, help first in every list', () => {
    const parser = appCommandParser();
    const served = servedCommandWords().map((c) => c.id);
    for (const list of readManifest().bots[0].commandLists) {
      expect(list.commands[0].title).toBe('help');
      for (const command of list.commands) {
        expect(Object.keys(COMMAND_WORDS)).toContain(command.title);
        expect(parser.parse(command.title)).toMatchObject({ kind: 'command', command: command.title });
        expect(served).toContain(command.title);
      }
    }
  });

  it('offers in the personal scope as many of the served commands as Teams allows', () => {
    const personal = readManifest().bots[0].commandLists.find((l) => l.scopes.includes('personal'));
    const served = servedCommandWords().map((c) => c.id);
    expect(personal?.commands).toHaveLength(Math.min(TEAMS_LIMITS.commandsPerList, served.length));
  });
});
