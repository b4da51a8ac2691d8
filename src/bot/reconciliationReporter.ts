import { z } from 'zod';
import type { AdaptiveCard } from '../cards/render';
import type { Logger } from '../logging';
import type { DownloadRepository } from '../store';
import type {
  ReconciliationOutcome,
  ReconciliationProgress,
  ReconciliationReporter,
  ReconciliationRequest,
} from '../workflows/invoices/reconciliationJob';
import type { DownloadLinks } from './downloads/downloadLinks';
import { reconciliationCard, type ReconciliationState } from './handlers/invoiceCards';
import type { RequestMessenger } from './requestNotifier';

/** Where a reconciliation's card is (the turn's conversation and the card it sent) and in which language. */
export const reconciliationAudienceSchema = z.object({
  conversationKey: z.string().min(1),
  /** The card to update in place; without it each report is a new message. */
  activityId: z.string().min(1).optional(),
  locale: z.enum(['en', 'fr']),
});
export type ReconciliationAudience = z.infer<typeof reconciliationAudienceSchema>;

export interface TeamsReconciliationReporterDeps {
  messenger: RequestMessenger;
  links: DownloadLinks;
  downloads: Pick<DownloadRepository, 'get'>;
  logger: Logger;
}

/**
 * Shows a reconciliation in Teams: its card, updated in place at each progress report and at the
 * end with the result (and a fresh signed link to its CSV) or a clear failure with the reference.
 */
export class TeamsReconciliationReporter implements ReconciliationReporter {
  constructor(private readonly deps: TeamsReconciliationReporterDeps) {}

  async progress(request: ReconciliationRequest, progress: ReconciliationProgress): Promise<void> {
    // Without a card to update, progress would be a stream of messages: only the outcome is sent.
    if (!reconciliationAudienceSchema.parse(request.audience).activityId) return;
    await this.show(request, { state: 'progress', progress });
  }

  async finished(request: ReconciliationRequest, outcome: ReconciliationOutcome): Promise<void> {
    if (outcome.status === 'failed') {
      await this.show(request, { state: 'failed', failure: outcome.failure });
      return;
    }
    const { result } = outcome;
    const download = result.download ? await this.deps.downloads.get(result.download.id) : undefined;
    const link = download ? this.deps.links.link(download.id, download.expiresAt) : undefined;
    await this.show(request, { state: 'succeeded', result, link });
  }

  private async show(request: ReconciliationRequest, state: ReconciliationState): Promise<void> {
    const audience = reconciliationAudienceSchema.parse(request.audience);
    const { audience: _audience, ...shown } = request;
    const card: AdaptiveCard = reconciliationCard(audience.locale, shown, state);
    const message = { card };
    if (audience.activityId) {
      await this.deps.messenger.update(audience.conversationKey, audience.activityId, message);
    } else {
      await this.deps.messenger.send(audience.conversationKey, message);
    }
  }
}
