import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { chromiumExecutable } from './chromium';
import { SANDBOX_BOOT_MS, SandboxBot } from './sandboxBot';

/**
 * The sandbox as a person meets it: `npm start`'s bot and its Agents Playground page in Chromium.
 * Megan types `buy Contoso France` in her personal chat, picks through the cards and submits; then
 * she types `act as Adele` (the Playground's page only ever speaks as Megan), opens the team's
 * Approvals channel, refreshes the request card there and approves it; the order completes. Every
 * step is a click or a keystroke on the page, and each leaves a screenshot: in a temporary folder,
 * or in docs/screenshots (the README shows them) with UPDATE_SCREENSHOTS=1, so that an ordinary
 * run leaves the working tree as it found it.
 */

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const SCREENSHOTS =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? path.join(REPO_ROOT, 'docs', 'screenshots')
    : path.join(os.tmpdir(), 'azure-plan-ops-screenshots');
const VIEWPORT = { width: 1280, height: 900 };
/** Runs in the page (as text: this project's TypeScript has no DOM types): where every scroller is, at the next frame. */
const SCROLL_POSITIONS_NEXT_FRAME = `new Promise((resolve) => requestAnimationFrame(() => resolve(
  Array.from(document.querySelectorAll('*'))
    .filter((e) => e.scrollHeight > e.clientHeight + 1)
    .map((e) => e.scrollTop)
    .join(','))))`;
const REQUEST_ID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

describe('a purchase in the Agents Playground, clicked through in Chromium', () => {
  let bot: SandboxBot | undefined;
  let browser: Browser | undefined;
  let page: Page;

  beforeAll(async () => {
    // First, so that a machine without Chromium fails at once, saying what to install.
    const executablePath = chromiumExecutable();
    bot = await SandboxBot.start({ orderCompletionMs: 2_000 });
    browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
    const context = await browser.newContext({ viewport: VIEWPORT, locale: 'en-US', timezoneId: 'UTC' });
    // The page asks Microsoft's CDN for fonts: offline here, so refused at once rather than waited for.
    await context.route(
      (url) => !['localhost', '127.0.0.1'].includes(url.hostname),
      (route) => route.abort(),
    );
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
  }, SANDBOX_BOOT_MS);

  afterAll(async () => {
    await browser?.close();
    await bot?.stop();
  }, 30_000);

  /** The Adaptive Card (as the Playground renders it) that shows this text; the latest if several. */
  const card = (text: string | RegExp): Locator =>
    page.locator('.ac-adaptiveCard').filter({ hasText: text }).last();

  /** A text message of the bot's in the open conversation (not its preview in the list of chats). */
  const message = (text: string | RegExp): Locator =>
    page.getByRole('paragraph').filter({ hasText: text }).last();

  /** Types into the conversation's message box and sends, as a person does. */
  async function say(text: string): Promise<void> {
    await page.getByRole('textbox').click();
    await page.keyboard.type(text);
    await page.keyboard.press('Enter');
  }

  /** Waits until nothing on the page scrolls any more (the chat scrolls to its newest message). */
  async function scrollingDone(): Promise<void> {
    const positions = () => page.evaluate<string>(SCROLL_POSITIONS_NEXT_FRAME);
    let last = await positions();
    let still = 0;
    for (let frame = 0; frame < 300 && still < 3; frame++) {
      const now = await positions();
      still = now === last ? still + 1 : 0;
      last = now;
    }
  }

  async function screenshot(name: string, show?: Locator): Promise<void> {
    if (show) await show.scrollIntoViewIfNeeded();
    await scrollingDone();
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
  }

  it('Megan buys an Azure plan for Contoso France, Adele approves it in the Approvals channel, the order completes', async () => {
    // The page installs the app in Megan's personal chat: the bot greets her.
    await page.goto(bot!.playgroundUrl);
    await message("Hello! I'm Azure Plan Ops.").waitFor();
    await page.getByRole('button', { name: 'Hide log panel' }).click();
    await screenshot('01-personal-chat');

    // One customer matches and the Azure plan is the only product (the legacy offer is left out):
    // the availability picker comes first.
    await say('buy Contoso France');
    const picker = card('Choose the availability');
    await picker.waitFor();
    await expect(picker.innerText()).resolves.toMatch(/Contoso France[\s\S]*the only choice/);
    await expect(picker.innerText()).resolves.toContain('is not offered');
    await picker.getByRole('radio', { name: 'Commercial · EUR' }).check();
    await screenshot('02-availability-picker', picker);

    await picker.getByRole('button', { name: 'Next' }).click();
    const confirm = card('Confirm the purchase');
    await confirm.waitFor();
    await expect(confirm.innerText()).resolves.toContain('Commercial · EUR');
    await screenshot('03-confirm-purchase', confirm);

    // Submit: the card becomes Megan's view of the request (she may cancel it, not approve it),
    // and the request is posted in the team's Approvals channel.
    await confirm.getByRole('button', { name: 'Submit for approval' }).click();
    const megansView = card('Waiting for approval');
    await megansView.getByRole('button', { name: 'Cancel request' }).waitFor();
    await expect(megansView.getByRole('button', { name: 'Approve' }).count()).resolves.toBe(0);
    const requestId = REQUEST_ID.exec(await megansView.innerText())?.[0];
    if (!requestId) throw new Error(`no request id on the card: ${await megansView.innerText()}`);
    await message('I posted this request in the approvals channel').waitFor();
    await screenshot('04-submitted-for-approval');

    // The page only speaks as Megan: from now on, the bot takes her for Adele, an approver.
    await say('act as Adele');
    await message(/you act as Adele Vance/).waitFor();
    await screenshot('05-act-as-adele');

    // In the Approvals channel the request waits in a thread of its own.
    await page.getByRole('treeitem', { name: 'CSP Operations - Approvals' }).click();
    const inChannel = card(requestId);
    await inChannel.getByText('Waiting for approval').waitFor();
    await screenshot('06-approvals-channel', inChannel);

    // Refresh asks the bot for the card as the one looking at it sees it: Adele may approve.
    await inChannel.getByRole('button', { name: 'Refresh' }).click();
    const approve = inChannel.getByRole('button', { name: 'Approve' });
    await approve.waitFor();
    await expect(inChannel.getByRole('button', { name: 'Reject' }).count()).resolves.toBe(1);
    await screenshot('07-adele-sees-approve', inChannel);

    // The click answers "Approved. I am carrying it out…", which the bot soon replaces with the
    // request's state for everyone: either way the card names Adele as the one who decided.
    await approve.click();
    await inChannel.getByText('Adele Vance', { exact: true }).first().waitFor();
    await expect(approve.count()).resolves.toBe(0);
    await screenshot('08-approved', inChannel);

    // The order is placed and completes (the simulator takes 2 s); the bot updates the card.
    await inChannel.getByText('Completed', { exact: true }).waitFor({ timeout: 30_000 });
    await screenshot('09-completed-in-channel', inChannel);

    // Megan's personal chat says so too.
    await page.getByRole('treeitem', { name: 'Personal Chat' }).click();
    const ready = message('The Azure plan of Contoso France is ready.');
    await ready.waitFor();
    await screenshot('10-completed-in-personal-chat', ready);
  }, 180_000);
});
