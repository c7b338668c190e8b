import type { Locator, Page } from 'playwright-core';

/** The library item (folder or file) with this name. */
export const item = (page: Page, name: string) => page.getByRole('option', { name, exact: true });

/** Waits until the page's live channel says it is live. */
export async function waitUntilLive(page: Page): Promise<void> {
  await page.locator('[data-live-status="live"]').waitFor({ timeout: 15_000 });
}

/** Starts counting layout shifts (the Layout Instability API) from now on. */
export async function watchLayoutShifts(page: Page): Promise<void> {
  await page.evaluate(() => {
    const scope = window as unknown as { __layoutShift: number };
    scope.__layoutShift = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as (PerformanceEntry & {
        value: number;
        hadRecentInput: boolean;
      })[]) {
        if (!entry.hadRecentInput) scope.__layoutShift += entry.value;
      }
    }).observe({ type: 'layout-shift' });
  });
}

export const layoutShift = (page: Page) =>
  page.evaluate(() => (window as unknown as { __layoutShift: number }).__layoutShift);

/** Waits until an element stops moving (the grid animates items into their new places). */
export async function settled(locator: Locator): Promise<void> {
  let previous = await locator.boundingBox();
  for (let attempt = 0; attempt < 30; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const current = await locator.boundingBox();
    if (current && previous && current.x === previous.x && current.y === previous.y) return;
    previous = current;
  }
}

/**
 * Drags one element onto another: the HTML5 drag events in order, sharing one DataTransfer, as the
 * browser sends them. (Mouse-driven drags in headless Chromium leave a drag session behind that stalls
 * the page's next actions for seconds, and sometimes drop nothing.)
 */
export async function dragOnto(page: Page, source: Locator, target: Locator): Promise<void> {
  await settled(source);
  await settled(target);
  const dataTransfer = await page.evaluateHandle(() => new DataTransfer());
  // A handle, not the locator: the dragged item leaves the list when it drops.
  const dragged = await source.elementHandle();
  await dragged!.dispatchEvent('dragstart', { dataTransfer });
  await target.dispatchEvent('dragenter', { dataTransfer });
  await target.dispatchEvent('dragover', { dataTransfer });
  await target.dispatchEvent('drop', { dataTransfer });
  await dragged!.dispatchEvent('dragend', { dataTransfer });
  await Promise.all([dragged!.dispose(), dataTransfer.dispose()]);
}
