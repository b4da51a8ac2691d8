import type { AdaptiveCard } from './render';

/**
 * An edit of a rendered card that any step of any flow may need when it is shown again: what is
 * wrong with each field right under it (with what the user typed kept). Works on the card JSON, so
 * no template has to know about it.
 */

type Element = Record<string, unknown>;

function isElement(value: unknown): value is Element {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The card with each field's problem under it (Attention color, the field's `errorMessage` too, so
 * clients that show their own validation say the same) and the values the user submitted put back.
 */
export function withFieldErrors(
  card: AdaptiveCard,
  errors: Readonly<Record<string, string>>,
  values: Readonly<Record<string, string>>,
): AdaptiveCard {
  const walk = (elements: unknown[]): unknown[] =>
    elements.flatMap((element) => {
      if (!isElement(element)) return [element];
      const copy: Element = { ...element };
      for (const key of ['items', 'columns', 'body']) {
        if (Array.isArray(copy[key])) copy[key] = walk(copy[key] as unknown[]);
      }
      const id = typeof copy.id === 'string' ? copy.id : undefined;
      if (!id || typeof copy.type !== 'string' || !copy.type.startsWith('Input.')) return [copy];
      if (values[id] !== undefined && values[id] !== '') copy.value = values[id];
      const error = errors[id];
      if (!error) return [copy];
      copy.errorMessage = error;
      return [copy, { type: 'TextBlock', text: error, color: 'Attention', wrap: true, spacing: 'Small' }];
    });
  return { ...card, body: walk(card.body ?? []) };
}
