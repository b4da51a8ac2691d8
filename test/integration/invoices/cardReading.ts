import { adaptiveCardProblems } from '../../support/cardValidation';
import { REQUESTER, type TeamsUser } from '../../support/teamsActivities';
import type { Card, TeamsThread } from '../purchase/teamsDriver';
import type { InvoiceHarness } from './harness';

/** Reading what the bot sent: texts, facts, links of its cards, and the CSV behind a link. */

function walk(node: unknown, visit: (element: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) {
    for (const child of node) walk(child, visit);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const element = node as Record<string, unknown>;
  visit(element);
  for (const key of ['body', 'items', 'columns']) walk(element[key], visit);
}

export function textsOf(card: Card | undefined): string[] {
  const texts: string[] = [];
  walk(card?.body ?? [], (e) => {
    if (e.type === 'TextBlock' && typeof e.text === 'string') texts.push(e.text);
  });
  return texts;
}

/** Every fact of the card, in order, as [title, value]. */
export function factsOf(card: Card | undefined): Array<[string, string]> {
  const facts: Array<[string, string]> = [];
  walk(card?.body ?? [], (e) => {
    if (e.type === 'FactSet' && Array.isArray(e.facts)) {
      for (const f of e.facts as Array<{ title: string; value: string }>) facts.push([f.title, f.value]);
    }
  });
  return facts;
}

export function factOf(card: Card | undefined, title: string): string | undefined {
  return factsOf(card).find(([t]) => t === title)?.[1];
}

export function openUrlOf(card: Card | undefined): string {
  const action = (card?.actions ?? []).find((a) => a.type === 'Action.OpenUrl') as
    { url?: string } | undefined;
  if (!action?.url) throw new Error(`no Action.OpenUrl in ${JSON.stringify(card).slice(0, 300)}`);
  return action.url;
}

/** RFC 4180, as the bot writes it (BOM, CRLF, quotes). */
export function parseCsv(text: string): Array<Record<string, string>> {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const body = text.replace(/^\ufeff/, '');
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && body[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  const [header, ...data] = rows;
  return data.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? ''])));
}

/** GETs a link as a browser would; the body as its bytes say (a BOM is kept). */
export async function download(url: string) {
  const response = await fetch(url, { redirect: 'manual' });
  const text = Buffer.from(await response.arrayBuffer()).toString('utf8');
  const headers: Record<string, string | undefined> = Object.fromEntries(response.headers.entries());
  return { status: response.status, headers, text };
}

export const cents = (n: number | string | null | undefined) => Math.round(Number(n ?? 0) * 100);

/** Says `text` and works the reconciliation to its end; the card as first sent, then each update in place. */
export async function reconcile(
  harness: InvoiceHarness,
  thread: TeamsThread,
  text: string,
  user: TeamsUser = REQUESTER,
): Promise<{ id: string; first: Card; updates: Card[]; last: Card }> {
  const [first] = await thread.say(user, text);
  if (!first?.card) throw new Error(`no card for "${text}"`);
  await harness.finishReconciliations();
  const updates = thread
    .sentHere()
    .filter((s) => s.method === 'PUT' && s.id === first.id)
    .map((s) => s.card)
    .filter((card): card is Card => card !== undefined);
  for (const card of [first.card, ...updates]) {
    const problems = adaptiveCardProblems(card);
    if (problems.length > 0) throw new Error(`invalid card: ${problems.join('; ')}`);
  }
  return { id: first.id, first: first.card, updates, last: updates[updates.length - 1] ?? first.card };
}
