// Measures the notes column of an article page: at each wide viewport, for
// every note and footnote sidenote, the distance from its highlight's (or
// letter's) top to its own top, any overlap between two of them of either
// kind, and how many notes are shown in full; at a phone width, whether tapping a note's ✎ shows
// the note on screen, next to its line. Prints one JSON line per viewport.
// usage: node notes-layout.cjs URL [SCREENSHOT_PREFIX]
const { chromium } = require("playwright-core");
(async () => {
  const [url, shots] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  for (const [width, height] of [[1366, 900], [1920, 1080]]) {
    const page = await browser.newPage({ viewport: { width, height } });
    await page.goto(url, { waitUntil: "load" });
    const m = await page.evaluate(() => {
      const placed = document.querySelector(".article-text").classList.contains("notes-placed");
      const notes = Array.from(document.querySelectorAll(".notes li[data-annotation]")).map((li) => {
        const mark = document.getElementById("anno-" + li.getAttribute("data-annotation"));
        const r = li.getBoundingClientRect();
        return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, full: li.classList.contains("note-full"),
          offset: mark ? r.top - mark.getBoundingClientRect().top : null };
      });
      // Footnotes' sidenotes share the column: level with their letter in the text.
      const sidenotes = Array.from(document.querySelectorAll(".article-body .sidenote")).map((s) => {
        const label = document.querySelector('label[for="' + s.id.replace(/^fn-/, "sn-") + '"]');
        const r = s.getBoundingClientRect();
        return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, offset: label ? r.top - label.getBoundingClientRect().top : null };
      });
      // Every pair of boxes of either kind that overlap (not only neighbours).
      const boxes = notes.concat(sidenotes).filter((b) => b.bottom > b.top);
      let overlaps = 0;
      for (let i = 0; i < boxes.length; i++)
        for (let j = i + 1; j < boxes.length; j++) {
          const [a, b] = [boxes[i], boxes[j]];
          if (a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5 && a.left < b.right - 0.5 && b.left < a.right - 0.5) overlaps++;
        }
      const offsets = notes.map((n) => n.offset).filter((o) => o !== null).sort((a, b) => a - b);
      const body = document.querySelector(".article-body").getBoundingClientRect();
      const sideOffsets = sidenotes.map((n) => n.offset).filter((o) => o !== null);
      return {
        placed, notes: notes.length, sidenotes: sidenotes.length, overlaps,
        full: notes.filter((n) => n.full).length,
        beside: notes.concat(sidenotes).every((n) => n.left >= body.right),
        sidenotesAboveLabel: sideOffsets.filter((o) => o < -1).length,
        sidenoteWorstOffset: sideOffsets.length ? Math.round(Math.max(...sideOffsets)) : null,
        medianOffset: offsets.length ? Math.round(offsets[Math.floor(offsets.length / 2)]) : null,
        worstOffset: offsets.length ? Math.round(offsets[offsets.length - 1]) : null,
        aboveHighlight: offsets.filter((o) => o < -1).length,
      };
    });
    console.log(JSON.stringify({ width, height, ...m }));
    if (shots) await page.screenshot({ path: `${shots}-${width}.png` });
    await page.close();
  }
  // A phone: tap the first ✎; its note must be shown, on screen, just under the line.
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  await phone.goto(url, { waitUntil: "load" });
  const ref = phone.locator(".article-body a.note-ref").first();
  await ref.scrollIntoViewIfNeeded();
  await ref.tap();
  const p = await phone.evaluate(() => {
    const ref = document.querySelector(".article-body a.note-ref");
    const note = document.getElementById("note-" + ref.getAttribute("data-note"));
    const r = note.getBoundingClientRect(), t = ref.getBoundingClientRect();
    return {
      width: 390, open: note.classList.contains("open"),
      visible: r.height > 0 && r.top >= -1 && r.bottom <= window.innerHeight + 1,
      belowItsLine: r.top >= t.bottom - 1 && r.top - t.bottom < 40,
      focused: document.activeElement === note,
      scrollsSideways: document.documentElement.scrollWidth > window.innerWidth,
    };
  });
  console.log(JSON.stringify(p));
  if (shots) await phone.screenshot({ path: `${shots}-390.png` });
  // Printing: every note follows the block that holds its highlight, and the column is hidden.
  const paper = await browser.newPage();
  await paper.goto(url, { waitUntil: "load" });
  await paper.emulateMedia({ media: "print" });
  const printed = await paper.evaluate(() => {
    window.dispatchEvent(new Event("beforeprint"));
    const notes = Array.from(document.querySelectorAll(".notes li[data-annotation]"));
    const copies = Array.from(document.querySelectorAll(".article-body .print-note"));
    const beside = copies.every((c) => {
      const prev = c.previousElementSibling;
      return !!prev && (prev.matches(".print-note") || prev.querySelector("a.note-ref") !== null || c.parentElement.querySelector("a.note-ref") !== null);
    });
    const columnHidden = getComputedStyle(document.querySelector(".notes")).display === "none";
    window.dispatchEvent(new Event("afterprint"));
    return { print: true, notes: notes.length, copies: copies.length, beside, columnHidden,
      restored: document.querySelectorAll(".print-note").length === 0 };
  });
  console.log(JSON.stringify(printed));
  await paper.pdf({ path: shots ? `${shots}.pdf` : "/dev/null" });
  await browser.close();
})().catch((e) => { console.error(e); process.exit(1); });
