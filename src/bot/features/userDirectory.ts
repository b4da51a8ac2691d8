import type { TurnContext } from 'botbuilder';
import type { KeyValueRepository } from '../../store';
import type { RolePolicy } from '../../workflows/roles';

/** Teams accepts at most 60 user ids in a card's `refresh.userIds`. */
export const MAX_REFRESH_USERS = 60;
/** How long this instance trusts an MRI it read (MRIs do not change for a user in a tenant). */
const READ_CACHE_MS = 10 * 60_000;

/**
 * The Teams user id (MRI, `activity.from.id`) of every user the bot has heard from, by AAD object
 * id: a card's per-user views (`refresh.userIds`) are addressed by MRI, our roles by AAD id. One
 * row per user (`user-mri:<aadObjectId>`); the approvers to look up come from the role settings.
 */
export class UserDirectory {
  /** MRIs this instance wrote or read, so a busy user costs no store access per turn or render. */
  private readonly known = new Map<string, { mri: string | undefined; at: number }>();

  constructor(
    private readonly kv: KeyValueRepository,
    private readonly roles: RolePolicy,
    private readonly now: () => number = Date.now,
  ) {}

  async remember(context: TurnContext): Promise<void> {
    const aadObjectId = context.activity.from?.aadObjectId?.toLowerCase();
    const mri = context.activity.from?.id;
    if (!aadObjectId || !mri || this.known.get(aadObjectId)?.mri === mri) return;
    if ((await this.kv.get(key(aadObjectId))) !== mri) await this.kv.set(key(aadObjectId), mri);
    this.known.set(aadObjectId, { mri, at: this.now() });
  }

  async mriOf(aadObjectId: string): Promise<string | undefined> {
    const id = aadObjectId.toLowerCase();
    const cached = this.known.get(id);
    if (cached?.mri && this.now() - cached.at < READ_CACHE_MS) return cached.mri;
    const mri = await this.kv.get(key(id));
    this.known.set(id, { mri, at: this.now() });
    return mri;
  }

  /** The requester first, then every named approver or admin the bot has heard from; at most 60. */
  async refreshUserIds(requesterAadObjectId: string): Promise<string[]> {
    const requester = requesterAadObjectId.toLowerCase();
    // Approvers as named by configuration or grant (admins included); group members get the
    // shared read-only card and their own view once they click (refresh) — Teams needs MRIs.
    const deciders = await this.roles.namedMembers('approver');
    const candidates = [requester, ...deciders.filter((id) => id !== requester)];
    const ids: string[] = [];
    for (const mri of await Promise.all([...new Set(candidates)].map((id) => this.mriOf(id)))) {
      if (mri && !ids.includes(mri)) ids.push(mri);
      if (ids.length >= MAX_REFRESH_USERS) break;
    }
    return ids;
  }
}

function key(aadObjectId: string): string {
  return `user-mri:${aadObjectId}`;
}
