import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { TestContext } from 'node:test';

/** Debian's Chromium, headless, with none of its network chatter (this machine has no outside network). */
export const CHROMIUM = process.env.ALBUMD_CHROMIUM ?? '/usr/bin/chromium';
export const hasChromium = fs.existsSync(CHROMIUM);

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

const RESULTS = path.resolve(import.meta.dirname, '../../test-results');

/**
 * A fresh page for one test; on failure its screenshot and console log are kept in test-results/
 * (named after the test), so a failure in CI can be seen.
 */
export async function withPage(t: TestContext, browser: Browser, fn: (page: Page, context: BrowserContext) => Promise<void>, options: { viewport?: { width: number; height: number } } = {}): Promise<void> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 800 }, locale: 'en-US' });
  const page = await context.newPage();
  const log: string[] = [];
  page.on('console', (m) => log.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`));
  try {
    await fn(page, context);
  } catch (error) {
    fs.mkdirSync(RESULTS, { recursive: true });
    const name = t.name.replace(/[^\w-]+/g, '_').slice(0, 80);
    await page.screenshot({ path: path.join(RESULTS, `${name}.png`), fullPage: true }).catch(() => undefined);
    fs.writeFileSync(path.join(RESULTS, `${name}.console.log`), log.join('\n'));
    throw error;
  } finally {
    await context.close();
  }
}
