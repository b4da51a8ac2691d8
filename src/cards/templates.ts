import help from './templates/help.json';
import flow from './templates/flow.json';
import notice from './templates/notice.json';
import spend from './templates/spend.json';
import whoami from './templates/whoami.json';
import { governanceTemplates } from './governanceTemplates';
import { invoiceTemplates } from './invoiceTemplates';
import { purchaseTemplates } from './purchaseTemplates';

interface TemplateEntry {
  /** Reads its strings as `${s.<section>.<key>}`: the sections are found there (stringsReadBy). */
  template: object;
}

/** Every card the bot can send. A designer can open each JSON file in the Adaptive Cards designer. */
export const templates = {
  help: { template: help },
  whoami: { template: whoami },
  notice: { template: notice },
  /** Any step of a flow: a heading, facts, sections of facts and lines, an optional choice, buttons. */
  flow: { template: flow },
  /** Usage, budget and budget alerts: facts, a budget gauge and a daily bar chart (text fallbacks), sections, buttons. */
  spend: { template: spend },
  ...purchaseTemplates,
  ...invoiceTemplates,
  ...governanceTemplates,
} satisfies Record<string, TemplateEntry>;

export type CardName = keyof typeof templates;
export const cardNames = Object.keys(templates) as CardName[];
