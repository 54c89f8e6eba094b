// Notes: visible beside the text on a wide screen; on a phone hidden until opened
// with the keyboard alone (Tab to the note's ✎ link, Enter). Prints one JSON line.
const { chromium } = require("playwright-core");
(async () => {
  const [url, note, toggle] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const wide = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await wide.goto(url);
  const wideVisible = await wide.isVisible(note);
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await phone.goto(url);
  const phoneBefore = await phone.isVisible(note);
  let tabs = 0;
  while (tabs < 200 && !(await phone.evaluate((t) => document.activeElement === document.querySelector(t), toggle))) {
    await phone.keyboard.press("Tab");
    tabs++;
  }
  await phone.keyboard.press("Enter");
  const phoneAfter = await phone.isVisible(note);
  console.log(JSON.stringify({ wideVisible, phoneBefore, reachedByTab: tabs < 200, phoneAfter }));
  await browser.close();
})().catch((e) => { console.error(e); process.exit(1); });
