/**
 * On narrow screens the source panel and the conversation list are drawers over the page.
 * While any drawer covers it, every other region is inert (Tab and screen readers stay in the
 * drawer). One place decides, so a drawer closing never wakes the page under another one.
 */

/**
 * @param {HTMLElement[]} regions the page's top-level regions, the drawers among them
 * @returns {(drawer: HTMLElement, covers: boolean) => void}
 */
export function createCover(regions) {
  /** @type {Set<HTMLElement>} */
  const covering = new Set();
  return (drawer, covers) => {
    if (covers) covering.add(drawer);
    else covering.delete(drawer);
    for (const region of regions) region.inert = [...covering].some((open) => open !== region);
  };
}
