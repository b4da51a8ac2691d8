import { t } from '../../i18n';
import type { KeyValueRepository } from '../../store';
import type { FeatureDefinition } from './feature';

/** Someone of the sandbox's sample people (the Agents Playground's users). */
export interface SandboxPerson {
  aadObjectId: string;
  name: string;
}

/**
 * Sandbox only: the Agents Playground's page always speaks as one user (Megan, the requester), so
 * whoever follows the README could never approve a request. `act as Adele` makes every later
 * activity of that real user count as Adele's (roles, approvals, audit) until `act as me`. The
 * choice is stored per real user (`act-as:<aadObjectId>`), so it survives a restart. The bot gets
 * this book only in sandbox mode (main.ts): in production the command does not exist.
 */
export class ActAsBook {
  private readonly cache = new Map<string, SandboxPerson | null>();

  constructor(
    private readonly kv: KeyValueRepository,
    readonly people: readonly SandboxPerson[],
  ) {}

  /** Whom this real user acts as, if anyone. */
  async actingAs(realAadObjectId: string | undefined): Promise<SandboxPerson | undefined> {
    if (!realAadObjectId) return undefined;
    const id = realAadObjectId.toLowerCase();
    const cached = this.cache.get(id);
    if (cached !== undefined) return cached ?? undefined;
    const stored = await this.kv.get(key(id));
    const person = this.people.find((p) => p.aadObjectId.toLowerCase() === stored) ?? null;
    this.cache.set(id, person);
    return person ?? undefined;
  }

  async actAs(realAadObjectId: string, person: SandboxPerson | undefined): Promise<void> {
    const id = realAadObjectId.toLowerCase();
    const target = person && person.aadObjectId.toLowerCase() !== id ? person : undefined;
    if (target) await this.kv.set(key(id), target.aadObjectId.toLowerCase());
    else await this.kv.delete(key(id));
    this.cache.set(id, target ?? null);
  }

  /** A person by first name, full name or object id (case-insensitive). */
  find(query: string): SandboxPerson | undefined {
    const q = query.trim().toLowerCase();
    return this.people.find(
      (p) =>
        p.aadObjectId.toLowerCase() === q ||
        p.name.toLowerCase() === q ||
        p.name.split(/\s+/)[0].toLowerCase() === q,
    );
  }
}

function key(aadObjectId: string): string {
  return `act-as:${aadObjectId}`;
}

const SELF = new Set(['me', 'moi', 'myself']);
const FILLER = new Set(['as', 'comme', 'en', 'tant', 'que']);

/** `act as <person>` / `act as me` (`agir comme …`), sandbox only. */
export function actAsFeature(book: ActAsBook): FeatureDefinition {
  return {
    name: 'act-as',
    commands: [{ id: 'act', aliases: ['act', 'agir'] }],
    create() {
      return {
        commands: {
          act: async ({ context, services, args }) => {
            const { locale } = services;
            const real = services.actingFor ?? services.caller;
            const wanted = args.filter((word, i) => !(i < 3 && FILLER.has(word.toLowerCase()))).join(' ');
            const names = book.people.map((p) => p.name).join(', ');
            if (!real.aadObjectId || !wanted) {
              await context.sendActivity(t(locale, 'actAs.usage', { names }));
              return;
            }
            if (SELF.has(wanted.toLowerCase())) {
              await book.actAs(real.aadObjectId, undefined);
              await context.sendActivity(t(locale, 'actAs.self', { name: real.name }));
              return;
            }
            const person = book.find(wanted);
            if (!person) {
              await context.sendActivity(t(locale, 'actAs.unknown', { name: wanted, names }));
              return;
            }
            await book.actAs(real.aadObjectId, person);
            services.logger.warn(
              { actingAs: person.aadObjectId, realUser: real.aadObjectId },
              'sandbox: a user now acts as another',
            );
            await context.sendActivity(t(locale, 'actAs.now', { name: person.name }));
          },
        },
      };
    },
  };
}
