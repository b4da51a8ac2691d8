import type { TurnContext } from 'botbuilder';
import { z } from 'zod';
import type { KeyValueRepository } from '../../store';
import type { RolePolicy } from '../../workflows/roles';

/** Teams accepts at most 60 user ids in a card's `refresh.userIds`. */
export const MAX_REFRESH_USERS = 60;
const INDEX_KEY = 'user-mris';
const MAX_INDEXED_USERS = 5_000;
const indexSchema = z.record(z.string(), z.string());

/**
 * The Teams user id (MRI, `activity.from.id`) of every user the bot has heard from, by AAD object
 * id: a card's per-user views (`refresh.userIds`) are addressed by MRI, our roles by AAD id.
 * Stored per user (`user-mri:<aadObjectId>`) and in one index that lists them for the approvers.
 */
export class UserDirectory {
  /** What this instance already wrote, so a busy user costs no write per turn. */
  private readonly known = new Map<string, string>();

  constructor(
    private readonly kv: KeyValueRepository,
    private readonly roles: RolePolicy,
  ) {}

  async remember(context: TurnContext): Promise<void> {
    const aadObjectId = context.activity.from?.aadObjectId?.toLowerCase();
    const mri = context.activity.from?.id;
    if (!aadObjectId || !mri || this.known.get(aadObjectId) === mri) return;
    const index = await this.index();
    if (index[aadObjectId] !== mri) {
      await this.kv.set(`user-mri:${aadObjectId}`, mri);
      // Two first turns at once may each miss the other here; the next turn of either writes it back.
      const entries = Object.entries({ ...index, [aadObjectId]: mri }).slice(-MAX_INDEXED_USERS);
      await this.kv.setJson(INDEX_KEY, Object.fromEntries(entries));
    }
    this.known.set(aadObjectId, mri);
  }

  async mriOf(aadObjectId: string): Promise<string | undefined> {
    return this.kv.get(`user-mri:${aadObjectId.toLowerCase()}`);
  }

  /** The requester first, then every known approver or admin other than the requester; at most 60. */
  async refreshUserIds(requesterAadObjectId: string): Promise<string[]> {
    const requester = requesterAadObjectId.toLowerCase();
    const index = await this.index();
    const ids: string[] = [];
    const requesterMri = index[requester] ?? (await this.mriOf(requester));
    if (requesterMri) ids.push(requesterMri);
    for (const [aadObjectId, mri] of Object.entries(index)) {
      if (aadObjectId === requester || ids.includes(mri)) continue;
      const caller = { aadObjectId, name: '' };
      if (this.roles.has(caller, 'approver') || this.roles.has(caller, 'admin')) ids.push(mri);
      if (ids.length >= MAX_REFRESH_USERS) break;
    }
    return ids;
  }

  private async index(): Promise<Record<string, string>> {
    return (await this.kv.getJson(INDEX_KEY, indexSchema)) ?? {};
  }
}
