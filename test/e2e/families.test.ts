import fs from 'node:fs';
import path from 'node:path';
import { describe, test, before, after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp, type TestUser } from '../helpers/app.js';
import { familyClient, type Family } from '../helpers/family.js';
import { hasChromium, launch } from './browser.js';

/**
 * The gallery's Families view in real Chromium against a real albumd: an owner and a member, each
 * in their own browser context, doing through the page what the API lets each of them do.
 */

const PASSWORD = 'correct horse battery';
const RESULTS = path.resolve(import.meta.dirname, '../../test-results');

/** Shown to others, phone numbers keep their first 7 and last 3 digits. */
const masked = (phone: string): string => `${phone.slice(0, 7)}****${phone.slice(-3)}`;
/** The same, inside a RegExp. */
const maskedRe = (phone: string): string => masked(phone).replace(/\*/g, '\\*');

/**
 * Several people at once, one browser context each; on failure every page's screenshot and
 * console log are kept in test-results/ (as withPage does for one).
 */
async function withPeople(
  t: TestContext,
  browser: Browser,
  count: number,
  fn: (pages: Page[]) => Promise<void>,
  options: { viewport?: { width: number; height: number }; locale?: string } = {},
): Promise<void> {
  const contexts = await Promise.all(
    Array.from({ length: count }, () => browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 800 }, locale: options.locale ?? 'en-US' })),
  );
  const pages: Page[] = [];
  const logs: string[][] = [];
  for (const context of contexts) {
    const page = await context.newPage();
    const log: string[] = [];
    page.on('console', (m) => log.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`));
    pages.push(page);
    logs.push(log);
  }
  try {
    await fn(pages);
  } catch (error) {
    fs.mkdirSync(RESULTS, { recursive: true });
    const name = t.name.replace(/[^\w-]+/g, '_').slice(0, 80);
    for (const [i, page] of pages.entries()) {
      await page.screenshot({ path: path.join(RESULTS, `${name}-${i}.png`), fullPage: true }).catch(() => undefined);
      fs.writeFileSync(path.join(RESULTS, `${name}-${i}.console.log`), (logs[i] ?? []).join('\n'));
    }
    throw error;
  } finally {
    await Promise.all(contexts.map((c) => c.close()));
  }
}

describe('the Families view', { skip: hasChromium ? false : 'Chromium is not installed (apt-get install chromium)' }, () => {
  let t: TestApp;
  let origin: string;
  let browser: Browser;

  before(async () => {
    t = await startTestApp();
    origin = await t.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  const signIn = async (page: Page, user: TestUser, labels = { phone: 'Phone number', password: 'Password', button: 'Sign in' }) => {
    await page.goto(origin);
    await page.getByLabel(labels.phone).fill(user.phone);
    await page.getByLabel(labels.password).fill(PASSWORD);
    await page.getByRole('button', { name: labels.button }).click();
    await page.locator('header.bar nav').waitFor();
  };
  const toFamilies = async (page: Page, name = 'Families') => {
    await page.locator('header.bar nav').getByRole('link', { name, exact: true }).click();
    await page.getByRole('heading', { level: 2, name }).waitFor();
  };
  const status = (page: Page, text: RegExp) => page.getByRole('status').filter({ hasText: text }).waitFor();
  const alertText = async (page: Page, text: RegExp): Promise<string> => {
    const alert = page.getByRole('alert').filter({ hasText: text });
    await alert.waitFor();
    return alert.innerText();
  };
  /** The family's member list: one row per member, owner first. */
  const memberList = (page: Page, name = 'Members') => page.getByRole('list', { name, exact: true });
  const memberRow = (page: Page, who: string, name = 'Members') => memberList(page, name).getByRole('listitem').filter({ hasText: who });
  const rowText = async (page: Page, who: string, name = 'Members'): Promise<string> => {
    const row = memberRow(page, who, name);
    await row.waitFor();
    return (await row.innerText()).replace(/\s+/g, ' ');
  };
  /** The names in the member list, in order. */
  const memberNames = (page: Page) => memberList(page).locator('li .who').allInnerTexts();
  /** What a browser does when the user comes back to the tab. */
  const comeBack = (page: Page) => page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
  /** The family as the API knows it (for setting up state and checking the outcome). */
  const onlyFamily = async (user: TestUser): Promise<Family & { name: string }> => {
    const r = await familyClient(t, user).families();
    const f = (r.body.folders as Record<string, string>[])[0];
    assert.ok(f, `${user.phone} is in a family`);
    return { id: f.id!, groupId: f.groupId!, containerId: f.containerId!, rootFolderId: f.shareFolderFileId!, name: f.name! };
  };

  test('owner creates and invites; the member accepts; both see each other; a shared album reaches the member; the member leaves; the owner deletes', async (ctx) => {
    const owner = await t.newUser('Olga');
    const member = await t.newUser('Max');
    await withPeople(ctx, browser, 2, async ([op, mp]) => {
      assert.ok(op && mp);
      await signIn(op, owner);
      await toFamilies(op);
      await op.getByText('You are not in a family yet.').waitFor();

      // The API's name rules come back in words.
      await op.getByLabel('Family name').fill('Beach/Sea');
      await op.getByRole('button', { name: 'Create family' }).click();
      assert.match(await alertText(op, /Could not create/), /Could not create the family: name: must not contain < > \| : \* \? " \//);

      await op.getByLabel('Family name').fill('Holidays');
      await op.getByRole('button', { name: 'Create family' }).click();
      await op.getByRole('heading', { level: 2, name: 'Holidays' }).waitFor();
      await status(op, /Family “Holidays” created\./);
      assert.match(await op.locator('header .meta').innerText(), /Owner · 1 of at most 10 members/);
      const family = await onlyFamily(owner);
      assert.equal(family.name, 'Holidays');
      assert.match(op.url(), new RegExp(`#/families/${family.id}$`));
      // Links to the family's library and to the albums.
      assert.equal(await op.getByRole('link', { name: 'Family library' }).getAttribute('href'), `#/library/${family.id}/root`);
      assert.equal(await op.getByRole('link', { name: /Albums page/ }).getAttribute('href'), '#/albums');

      // Invite by phone number: a labelled tel field.
      const phoneField = op.getByLabel('Phone number to invite');
      assert.equal(await phoneField.getAttribute('type'), 'tel');
      await phoneField.fill(member.phone);
      await op.getByRole('button', { name: 'Invite', exact: true }).click();
      await status(op, new RegExp(`Invitation sent to ${member.phone}`));
      const sent = op.getByRole('list', { name: 'Invitations sent' });
      await sent.getByText(masked(member.phone)).waitFor();
      assert.match(await sent.innerText(), /Pending/);

      // Refusals, in words: the same number again, and a number that is not one.
      await phoneField.fill(member.phone);
      await op.getByRole('button', { name: 'Invite', exact: true }).click();
      assert.match(await alertText(op, /Could not invite/), /Could not invite: Already a member or already invited\./);
      await phoneField.fill('12');
      await op.getByRole('button', { name: 'Invite', exact: true }).click();
      assert.match(await alertText(op, /mobile/), /Could not invite: mobile: must be 6 to 20 digits/);

      // The member sees the invitation and accepts it.
      await signIn(mp, member);
      await toFamilies(mp);
      const invitations = mp.getByRole('list', { name: 'Invitations for you' });
      await invitations.getByText('Holidays').waitFor();
      assert.match(await invitations.innerText(), new RegExp(`Invited by ${maskedRe(owner.phone)}`));
      await mp.getByRole('button', { name: 'Accept the invitation to Holidays' }).click();
      await status(mp, /You joined “Holidays”\./);
      await mp.getByText('No invitations waiting for you.').waitFor();
      const myFamilies = mp.getByRole('list', { name: 'My families' });
      await myFamilies.getByText('Member · 2 members').waitFor();

      // The member's view: the owner and itself by name (owner first), and no owner-only controls.
      await myFamilies.getByRole('link', { name: 'Holidays' }).click();
      await mp.getByRole('heading', { level: 2, name: 'Holidays' }).waitFor();
      assert.match(await rowText(mp, 'Olga'), new RegExp(`^Olga Owner ${maskedRe(owner.phone)} joined \\S`));
      assert.match(await rowText(mp, 'Max'), new RegExp(`^Max You ${maskedRe(member.phone)} joined \\S`));
      assert.deepEqual(await memberNames(mp), ['Olga', 'Max']);
      assert.match(await mp.locator('header .meta').innerText(), /Member · 2 of at most 10 members/);
      await mp.getByRole('button', { name: 'Leave family' }).waitFor();
      for (const name of ['Delete family', 'Rename family', 'Invite']) {
        assert.equal(await mp.getByRole('button', { name, exact: true }).count(), 0, `a member sees no "${name}" button`);
      }
      assert.equal(await mp.getByRole('button', { name: /^Remove/ }).count(), 0, 'a member sees no Remove button');
      assert.equal(await mp.getByLabel('Phone number to invite').count(), 0);

      // The owner's page, still open, catches up when the owner comes back to it: the member by
      // name with a Remove button, two members, the invitation accepted.
      await comeBack(op);
      await op.locator('header .meta').filter({ hasText: /2 of at most 10 members/ }).waitFor();
      await memberRow(op, 'Max').getByRole('button', { name: 'Remove Max' }).waitFor();
      assert.match(await rowText(op, 'Olga'), new RegExp(`^Olga Owner You ${maskedRe(owner.phone)} joined \\S`));
      assert.match(await rowText(op, 'Max'), new RegExp(`^Max ${maskedRe(member.phone)} joined \\S.* Remove$`));
      assert.equal(await op.getByRole('button', { name: /^Remove/ }).count(), 1, 'the owner cannot remove itself');
      const accepted = op.getByRole('list', { name: 'Invitations sent' }).getByRole('listitem').filter({ hasText: masked(member.phone) });
      await accepted.filter({ hasText: 'Accepted' }).waitFor();

      // A shared album the owner makes appears in the member's Family tab and in the family's page.
      const album = await familyClient(t, owner).sharedAlbum(family, { type: 2, name: 'Beach days' });
      assert.equal(album.status, 200, JSON.stringify(album.body));
      await mp.reload();
      await mp.getByRole('list', { name: 'Shared albums' }).getByRole('link', { name: 'Beach days' }).waitFor();
      await mp.getByRole('link', { name: /Albums page/ }).click();
      await mp.getByRole('tab', { name: 'Family' }).click();
      await mp.getByRole('link', { name: /Beach days/ }).waitFor();

      // The member leaves, after confirming.
      await mp.goto(`${origin}/#/families/${family.id}`);
      await mp.getByRole('button', { name: 'Leave family' }).click();
      const leaving = mp.getByRole('dialog', { name: 'Leave family' });
      await leaving.waitFor();
      assert.match(await leaving.innerText(), /Leave “Holidays”\?/);
      await leaving.getByRole('button', { name: 'Leave family' }).click();
      await status(mp, /You left “Holidays”\./);
      await mp.getByText('You are not in a family yet.').waitFor();
      assert.match(mp.url(), /#\/families$/);
      assert.equal((await familyClient(t, member).families()).body.total, 0);

      // The owner deletes the family: a first thought (cancel), then for real.
      await op.reload();
      await op.locator('header .meta').filter({ hasText: /1 of at most 10 members/ }).waitFor();
      await memberRow(op, 'Olga').waitFor();
      assert.deepEqual(await memberNames(op), ['Olga']);
      await op.getByRole('button', { name: 'Delete family' }).click();
      const deleting = op.getByRole('dialog', { name: 'Delete family' });
      await deleting.waitFor();
      assert.match(await deleting.innerText(), /shared albums are deleted/);
      await deleting.getByRole('button', { name: 'Cancel' }).click();
      await deleting.waitFor({ state: 'detached' });
      assert.equal((await familyClient(t, owner).families()).body.total, 1, 'cancel deletes nothing');
      await op.getByRole('button', { name: 'Delete family' }).click();
      await deleting.getByRole('button', { name: 'Delete family' }).click();
      await status(op, /Family “Holidays” deleted\./);
      await op.getByText('You are not in a family yet.').waitFor();
      assert.equal((await familyClient(t, owner).families()).body.total, 0);
    });
  });

  test('an invitation declined in the page leaves the family alone; the owner sees it declined', async (ctx) => {
    const owner = await t.newUser('Dora');
    const member = await t.newUser('Ed');
    const fo = familyClient(t, owner);
    const family = await fo.createFamily('Cousins');
    assert.equal((await fo.invite(family.groupId, member.phone)).status, 200);
    await withPeople(ctx, browser, 2, async ([op, mp]) => {
      assert.ok(op && mp);
      await signIn(mp, member);
      await toFamilies(mp);
      await mp.getByRole('list', { name: 'Invitations for you' }).getByText('Cousins').waitFor();
      await mp.getByRole('button', { name: 'Decline the invitation to Cousins' }).click();
      await status(mp, /You declined the invitation to “Cousins”\./);
      await mp.getByText('No invitations waiting for you.').waitFor();
      await mp.getByText('You are not in a family yet.').waitFor();
      assert.equal((await familyClient(t, member).families()).body.total, 0);
      assert.deepEqual((await familyClient(t, member).waiting()).body.details, []);

      await signIn(op, owner);
      await op.goto(`${origin}/#/families/${family.id}`);
      const row = op.getByRole('list', { name: 'Invitations sent' }).getByRole('listitem').filter({ hasText: masked(member.phone) });
      await row.filter({ hasText: 'Declined' }).waitFor();
      assert.match(await op.locator('header .meta').innerText(), /1 of at most 10 members/);
    });
  });

  test('the owner removes a member with its Remove button; members see no Remove buttons; refusals (a member who already left, a removed member leaving) are shown in words', async (ctx) => {
    const owner = await t.newUser('Fay');
    const member = await t.newUser('Gus');
    const other = await t.newUser('Ida');
    const fo = familyClient(t, owner);
    const family = await fo.createFamily('Neighbours');
    await familyClient(t, member).join(fo, family);
    await familyClient(t, other).join(fo, family);
    await withPeople(ctx, browser, 2, async ([op, mp]) => {
      assert.ok(op && mp);
      // The member has the family open: everyone by name, owner first, and nothing to remove.
      await signIn(mp, member);
      await mp.goto(`${origin}/#/families/${family.id}`);
      assert.match(await rowText(mp, 'Gus'), /^Gus You /);
      assert.deepEqual(await memberNames(mp), ['Fay', 'Gus', 'Ida']);
      assert.match(await rowText(mp, 'Fay'), /^Fay Owner /);
      assert.equal(await mp.getByRole('button', { name: /^Remove/ }).count(), 0, 'a member sees no Remove button');

      await signIn(op, owner);
      await op.goto(`${origin}/#/families/${family.id}`);
      await op.locator('header .meta').filter({ hasText: /3 of at most 10 members/ }).waitFor();
      await op.getByRole('button', { name: 'Remove Ida' }).waitFor();
      assert.deepEqual(await memberNames(op), ['Fay', 'Gus', 'Ida']);
      assert.equal(await op.getByRole('button', { name: /^Remove/ }).count(), 2, 'a Remove button for each other member');
      assert.equal(await op.getByRole('button', { name: 'Remove Fay' }).count(), 0);

      // Ida leaves elsewhere; the owner's page is stale: removing her is refused, in words, in the
      // dialog, and the list catches up.
      assert.equal((await familyClient(t, other).removeMember(family.groupId, other.userId)).status, 200);
      await op.getByRole('button', { name: 'Remove Ida' }).click();
      const dialog = op.getByRole('dialog', { name: 'Remove a member' });
      assert.match(await dialog.innerText(), new RegExp(`Remove Ida \\(${maskedRe(other.phone)}\\) from “Neighbours”\\?`));
      await dialog.getByRole('button', { name: 'Remove member' }).click();
      assert.match(await alertText(op, /Could not remove/), /Could not remove the member: Resource does not exist\. It no longer exists, or you are no longer a member\./);
      await op.locator('header .meta').filter({ hasText: /2 of at most 10 members/ }).waitFor();
      await memberRow(op, 'Ida').waitFor({ state: 'detached' });
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'detached' });
      assert.equal(await op.evaluate(() => document.activeElement?.textContent), 'Members', 'the focus goes to the list when the button is gone');

      // A first thought (cancel: the focus goes back to the button), then for real.
      await op.getByRole('button', { name: 'Remove Gus' }).click();
      assert.match(await dialog.innerText(), new RegExp(`Remove Gus \\(${maskedRe(member.phone)}\\) from “Neighbours”\\?`));
      await op.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      assert.equal(await op.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Remove Gus');
      assert.equal(((await fo.metadata(family.id)).body.sharefolder as { memberCount: number }).memberCount, 2, 'cancel removes nobody');
      await op.getByRole('button', { name: 'Remove Gus' }).click();
      await dialog.getByRole('button', { name: 'Remove member' }).click();
      await status(op, /Gus is no longer a member of “Neighbours”\./);
      await op.locator('header .meta').filter({ hasText: /1 of at most 10 members/ }).waitFor();
      await memberRow(op, 'Gus').waitFor({ state: 'detached' });
      assert.deepEqual(await memberNames(op), ['Fay']);
      assert.equal(await op.getByRole('button', { name: /^Remove/ }).count(), 0);
      assert.equal(((await fo.metadata(family.id)).body.sharefolder as { memberCount: number }).memberCount, 1);

      // The member's page is stale: leaving now is refused, and said so.
      await mp.getByRole('button', { name: 'Leave family' }).click();
      await mp.getByRole('dialog', { name: 'Leave family' }).getByRole('button', { name: 'Leave family' }).click();
      assert.match(await alertText(mp, /Could not leave/), /Could not leave the family: Resource does not exist\. It no longer exists, or you are no longer a member\./);
      await mp.keyboard.press('Escape');
      await mp.getByRole('dialog').waitFor({ state: 'detached' });
      // Opening the family again says so too.
      await mp.reload();
      assert.match(await alertText(mp, /Could not load/), /Could not load the family: Resource does not exist\./);
    });
  });

  test('on a 360 px wide phone the page fits and works from the keyboard', async (ctx) => {
    const owner = await t.newUser('Hana');
    await withPeople(
      ctx,
      browser,
      1,
      async ([page]) => {
        assert.ok(page);
        await signIn(page, owner);
        await toFamilies(page);
        // Keyboard only: Tab to the name field, type, Enter.
        await page.getByRole('heading', { level: 2, name: 'Families' }).focus();
        for (let i = 0; i < 20 && !(await page.getByLabel('Family name').evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
        assert.ok(await page.getByLabel('Family name').evaluate((el) => el === document.activeElement), 'Tab reaches the name field');
        await page.keyboard.type('A family with quite a long name');
        await page.keyboard.press('Enter');
        await page.getByRole('heading', { level: 2, name: 'A family with quite a long name' }).waitFor();

        const fits = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
        assert.ok(await fits(), 'no sideways scrolling on the family page');
        for (const control of [page.getByLabel('Phone number to invite'), page.getByRole('button', { name: 'Invite', exact: true }), page.getByRole('button', { name: 'Delete family' }), page.getByRole('button', { name: 'Rename family' })]) {
          const box = await control.boundingBox();
          assert.ok(box && box.x >= 0 && box.x + box.width <= 360 && box.width > 20, `within the screen: ${JSON.stringify(box)}`);
        }

        // Rename from the keyboard: the dialog takes the focus, Enter saves.
        await page.getByRole('button', { name: 'Rename family' }).focus();
        await page.keyboard.press('Enter');
        const rename = page.getByRole('dialog', { name: 'Rename family' });
        await rename.waitFor();
        await page.getByLabel('New name').fill('Short');
        await page.keyboard.press('Enter');
        await rename.waitFor({ state: 'detached' });
        await page.getByRole('heading', { level: 2, name: 'Short' }).waitFor();
        await status(page, /Renamed to “Short”\./);

        // Esc closes the delete dialog and gives the focus back to its button.
        await page.getByRole('button', { name: 'Delete family' }).focus();
        await page.keyboard.press('Enter');
        await page.getByRole('dialog', { name: 'Delete family' }).waitFor();
        await page.keyboard.press('Escape');
        await page.getByRole('dialog').waitFor({ state: 'detached' });
        assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Delete family');
        assert.equal((await onlyFamily(owner)).name, 'Short');

        await page.getByRole('link', { name: /All families/ }).click();
        await page.getByRole('list', { name: 'My families' }).getByRole('link', { name: 'Short' }).waitFor();
        assert.ok(await fits(), 'no sideways scrolling on the list');
      },
      { viewport: { width: 360, height: 740 } },
    );
  });

  test('in Chinese, the page and the API refusals are in Chinese', async (ctx) => {
    const owner = await t.newUser('Ivy');
    await withPeople(
      ctx,
      browser,
      1,
      async ([page]) => {
        assert.ok(page);
        await signIn(page, owner, { phone: '手机号码', password: '密码', button: '登录' });
        await toFamilies(page, '家庭');
        await page.getByLabel('家庭名称').fill('a:b');
        await page.getByRole('button', { name: '创建家庭' }).click();
        assert.match(await alertText(page, /无法创建家庭/), /无法创建家庭：name：不得包含/);
        await page.getByLabel('家庭名称').fill('我家');
        await page.getByRole('button', { name: '创建家庭' }).click();
        await page.getByRole('heading', { level: 2, name: '我家' }).waitFor();
        assert.match(await rowText(page, 'Ivy', '成员'), new RegExp(`^Ivy 创建者 你 ${maskedRe(owner.phone)} \\S+ 加入$`));
      },
      { locale: 'zh-CN' },
    );
  });
});
