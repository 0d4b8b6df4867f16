import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ensureChromium } from './chromium';

/** Where the browser tests leave their screenshots (CI keeps the folder as an artifact; gitignored). */
export const CONSOLE_ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts', 'console');

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/**
 * Headless Chromium driving the web console of a running system. Every page it opens records the
 * requests that leave the gateway's origin (there must be none: every asset is bundled) and the
 * page's errors.
 */
export class ConsoleBrowser {
  readonly foreignRequests: string[] = [];
  readonly pageErrors: string[] = [];
  private launched: { browser: Browser; baseUrl: string; artifacts: string } | undefined;

  constructor(private readonly suite: string) {}

  /** Chromium (installed first when missing) for the console at `baseUrl`; screenshots in its suite's folder. */
  async launch(baseUrl: string): Promise<this> {
    const executablePath = await ensureChromium();
    const browser = await chromium.launch({
      executablePath,
      headless: true,
      // Root in CI: Chromium's sandbox needs a user namespace it does not get there.
      args: ['--no-sandbox', '--disable-dev-shm-usage'],
    });
    const artifacts = path.join(CONSOLE_ARTIFACTS, this.suite);
    await fs.promises.mkdir(artifacts, { recursive: true });
    console.log(`[console e2e] screenshots in ${artifacts}`);
    this.launched = { browser, baseUrl, artifacts };
    return this;
  }

  get baseUrl(): string {
    return this.started().baseUrl;
  }

  get artifacts(): string {
    return this.started().artifacts;
  }

  private started(): { browser: Browser; baseUrl: string; artifacts: string } {
    if (this.launched === undefined)
      throw new Error('the console browser is not launched (see useConsoleBrowser)');
    return this.launched;
  }

  /** A new browser session (its own sessionStorage) on `/console`, at the given viewport. */
  async open(viewport = DESKTOP): Promise<Page> {
    const context: BrowserContext = await this.started().browser.newContext({ viewport });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(`${this.baseUrl}/`) && !url.startsWith('data:') && !url.startsWith('blob:')) {
        this.foreignRequests.push(url);
      }
    });
    page.on('pageerror', (error) => this.pageErrors.push(error.message));
    await page.goto(`${this.baseUrl}/console`);
    return page;
  }

  /** Opens the console and gives it `key` through its key form; resolves once the console shows. */
  async signIn(key: string, viewport = DESKTOP): Promise<Page> {
    const page = await this.open(viewport);
    await page.getByRole('textbox', { name: 'API key' }).fill(key);
    await page.getByRole('button', { name: 'Open the console' }).click();
    await page.getByTestId('caller').waitFor();
    return page;
  }

  /** Saves a full-page screenshot as `<name>.png`; returns its path. */
  async screenshot(page: Page, name: string): Promise<string> {
    const file = path.join(this.artifacts, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  }

  async close(): Promise<void> {
    await this.launched?.browser.close();
    this.launched = undefined;
  }
}

/**
 * The browser set-up every console e2e file shares: Chromium launched before the file's tests (its
 * install on a fresh machine may take minutes: 10 min), closed after them, and after each test the
 * checks that the page asked nothing outside the gateway's origin and threw no error. Call it after
 * `useSystemUnderTest` (or whatever starts the gateway), so its `beforeAll` runs once the gateway is up.
 */
export function useConsoleBrowser(baseUrl: () => string, suite: string): ConsoleBrowser {
  const browser = new ConsoleBrowser(suite);
  beforeAll(async () => {
    await browser.launch(baseUrl());
  }, 10 * 60_000);
  afterAll(async () => {
    await browser.close();
  });
  afterEach(() => {
    // Every script, style and call stays on the gateway's origin; the page throws nothing.
    expect(browser.foreignRequests).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  });
  return browser;
}

/** True when nothing on the page is wider than the viewport (no sideways scrolling of the page). */
export function fitsViewport(page: Page): Promise<boolean> {
  // A string: the tests compile without the DOM's types.
  return page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');
}
