import { newLinkId } from '../../security/signedLinks';
import { ReconciliationJobs } from '../../workflows/invoices/reconciliationJob';
import { downloadRoute } from '../downloads/downloadRoute';
import { NEW_LINK_VERB } from '../handlers/invoiceCards';
import { invoicesCommand, newLinkVerb, reconCommand } from '../handlers/invoices';
import { TeamsReconciliationReporter } from '../reconciliationReporter';
import type { FeatureDefinition } from './feature';

/**
 * `invoices` and `recon`: recent invoices, an invoice's totals per customer, and reconciliation per
 * customer and product (new commerce through the Microsoft Graph billing export, legacy invoices
 * through the v1 line items), run as a durable background task that updates its card, with the
 * line items as a CSV behind a short-lived signed link the bot serves.
 */
export const invoicesFeature: FeatureDefinition = {
  name: 'invoices',
  commands: [
    { id: 'invoices', aliases: ['invoices', 'factures'] },
    { id: 'recon', aliases: ['recon', 'rapprochement'] },
  ],
  create(host) {
    const logger = host.logger.child({ component: 'reconciliation' });
    const jobs = new ReconciliationJobs({
      pc: host.pc,
      graph: host.graphBilling,
      downloads: host.store.downloads,
      queue: host.work,
      reporter: new TeamsReconciliationReporter({
        messenger: host.messenger,
        links: host.downloadLinks,
        downloads: host.store.downloads,
        logger,
      }),
      logger,
      newId: newLinkId,
      tuning: host.reconciliation,
    });
    const deps = { pc: host.pc, jobs, downloads: host.store.downloads, links: host.downloadLinks };
    return {
      commands: { invoices: invoicesCommand(deps), recon: reconCommand(deps) },
      verbs: { [NEW_LINK_VERB]: newLinkVerb(deps) },
      routes: [
        downloadRoute({
          downloads: host.store.downloads,
          signer: host.downloadLinks.signer,
          logger,
          now: host.downloadLinks.now,
        }),
      ],
      tasks: [jobs],
    };
  },
};
