import { validateLocalization } from './teamsSchemas';
import { COMMAND_WORDS, readLocalization, readManifest } from './manifestFiles';

const TOP_LEVEL_KEYS = ['name.short', 'name.full', 'description.short', 'description.full'];

function commandKeys(): Array<{
  key: string;
  english: string;
  field: 'title' | 'description';
  title: string;
}> {
  return readManifest().bots[0].commandLists.flatMap((list, i) =>
    list.commands.flatMap((command, j) =>
      (['title', 'description'] as const).map((field) => ({
        key: `bots[0].commandLists[${i}].commands[${j}].${field}`,
        english: command[field],
        field,
        title: command.title,
      })),
    ),
  );
}

describe('appPackage/fr-fr.json', () => {
  it('validates against the Teams localization schema of the same manifest version', async () => {
    const french = readLocalization();
    expect(french.$schema).toBe(
      `https://developer.microsoft.com/json-schemas/teams/v${readManifest().manifestVersion}/MicrosoftTeams.Localization.schema.json`,
    );
    expect(await validateLocalization(french)).toEqual([]);
  });

  it('is checked by a live validator: a name longer than Teams allows is reported', async () => {
    const tooLong = { ...readLocalization(), 'name.short': 'x'.repeat(31) };
    expect(await validateLocalization(tooLong)).toEqual([expect.stringContaining('/name.short')]);
  });

  it("translates exactly the manifest's localizable strings: name, description and every command", () => {
    const keys = Object.keys(readLocalization()).filter((key) => key !== '$schema');
    expect(keys.sort()).toEqual([...TOP_LEVEL_KEYS, ...commandKeys().map((c) => c.key)].sort());
  });

  it('gives each command its French command word as title', () => {
    const french = readLocalization();
    for (const { key, field, title } of commandKeys()) {
      if (field === 'title') expect(french[key]).toBe(COMMAND_WORDS[title]);
    }
  });

  it('writes every description in French rather than copying the English', () => {
    const french = readLocalization();
    const manifest = readManifest();
    expect(french['description.short']).not.toBe(manifest.description.short);
    expect(french['description.full']).not.toBe(manifest.description.full);
    expect(french['name.full']).not.toBe(manifest.name.full);
    for (const { key, field, english } of commandKeys()) {
      if (field === 'description') expect(french[key]).not.toBe(english);
    }
  });
});
