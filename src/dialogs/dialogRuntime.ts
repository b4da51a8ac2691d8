/**
 * The parts of botbuilder-dialogs the bot runs on, imported from their own modules. The package's
 * index also loads every prompt and, with them, the Recognizers-Text suites (numbers, dates, choices
 * in a dozen languages): about 20 MB of heap and 40 MB of resident memory the bot never uses, since
 * its questions are Adaptive Cards (CardPrompt), not text prompts. Types may still come from the
 * package itself (`import type`), which loads nothing; values come from here (lint enforces it).
 */
export { ComponentDialog } from 'botbuilder-dialogs/lib/componentDialog';
export { Dialog } from 'botbuilder-dialogs/lib/dialog';
export { DialogSet } from 'botbuilder-dialogs/lib/dialogSet';
export { WaterfallDialog } from 'botbuilder-dialogs/lib/waterfallDialog';
