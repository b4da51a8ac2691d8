import help from './templates/help.json';
import flow from './templates/flow.json';
import notice from './templates/notice.json';
import spend from './templates/spend.json';
import whoami from './templates/whoami.json';
import { governanceTemplates } from './governanceTemplates';
import { invoiceTemplates } from './invoiceTemplates';
import { purchaseTemplates } from './purchaseTemplates';

interface TemplateEntry {
  template: object;
  /** i18n sections exposed to the template as `${s.<section>...}`. */
  strings: string[];
}

/** Every card the bot can send. A designer can open each JSON file in the Adaptive Cards designer. */
export const templates = {
  help: { template: help, strings: ['help', 'common'] },
  whoami: { template: whoami, strings: ['whoami', 'common'] },
  notice: { template: notice, strings: ['common'] },
  /** Any step of a flow: a heading, facts, sections of facts and lines, an optional choice, buttons. */
  flow: { template: flow, strings: ['common'] },
  /** Usage, budget and budget alerts: facts, a budget gauge and a daily bar chart (text fallbacks), sections, buttons. */
  spend: { template: spend, strings: ['common'] },
  ...purchaseTemplates,
  ...invoiceTemplates,
  ...governanceTemplates,
} satisfies Record<string, TemplateEntry>;

export type CardName = keyof typeof templates;
export const cardNames = Object.keys(templates) as CardName[];
