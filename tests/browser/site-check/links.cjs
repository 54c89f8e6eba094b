// The link walk of the site checker: every internal reference in a built site (href, src,
// srcset, poster, CSS url() and @import, meta refresh and og:image) must name a file of
// the built folder as the site is served under its base path, and every #fragment must be
// an id (or an <a name>) of the page it points into. Files are read from disk, so every page is
// checked, not only those a browser loads. HTML is parsed by parse5, the HTML standard's
// parser, so what is checked is what a browser sees.
"use strict";
const fs = require("fs");
const path = require("path");

const ORIGIN = "http://site.invalid";
// Attributes that hold one URL, by element (lower-case names, as parse5 reports them).
const URL_ATTRS = {
  a: ["href"], area: ["href"], link: ["href"], img: ["src"], script: ["src"], iframe: ["src"],
  embed: ["src"], source: ["src"], track: ["src"], audio: ["src"], video: ["src", "poster"],
  input: ["src"], object: ["data"], use: ["href", "xlink:href"], image: ["href", "xlink:href"],
};
const SRCSET_ATTRS = { img: "srcset", source: "srcset", link: "imagesrcset" };
// <meta property|name=… content=URL> that link previews fetch.
const META_URL_PROPS = ["og:image", "og:url", "og:video", "og:audio", "twitter:image"];
// Hints that name an origin, not a resource.
const ORIGIN_ONLY_RELS = ["preconnect", "dns-prefetch"];

/** Every HTML and CSS file under `root`, as slash-separated paths relative to it. */
function siteFiles(root) {
  const html = [];
  const css = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      const rel = path.relative(root, full).split(path.sep).join("/");
      if (entry.isDirectory()) walk(full);
      else if (/\.html?$/i.test(entry.name)) html.push(rel);
      else if (/\.css$/i.test(entry.name)) css.push(rel);
    }
  };
  walk(root);
  return { html, css };
}

/** The URL path a reader uses for a page file: `a/index.html` is `a/`. */
function pageUrl(base, rel) {
  return base + (rel === "index.html" ? "" : rel.replace(/(^|\/)index\.html$/, "$1"));
}

/** The URLs of a srcset attribute, read as the HTML standard says: each candidate is a URL
 * (a run of non-space characters; trailing commas end it) and descriptors up to the next
 * comma that is not inside parentheses. */
function srcsetUrls(value) {
  const urls = [];
  let rest = value;
  for (;;) {
    rest = rest.replace(/^[\s,]+/, "");
    if (!rest) return urls;
    const url = /^\S+/.exec(rest)[0];
    rest = rest.slice(url.length);
    urls.push(url.replace(/,+$/, ""));
    if (!url.endsWith(",")) rest = rest.slice(/^[^,(]*(?:\([^)]*\)[^,(]*)*/.exec(rest)[0].length);
  }
}

/** url(...) and @import references of a style sheet, with their line (1-based) from `firstLine`. */
function cssRefs(text, firstLine) {
  const clean = text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, " "));
  const pattern = /url\(\s*(?:"([^"]*)"|'([^']*)'|([^)"'\s]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')/gi;
  const refs = [];
  for (const m of clean.matchAll(pattern)) {
    const url = m.slice(1).find((g) => g !== undefined) || "";
    const line = firstLine + (clean.slice(0, m.index).match(/\n/g) || []).length;
    refs.push({ line, col: 0, url: url.trim() });
  }
  return refs;
}

/** One element's references: `what` says where the URL was written. */
function elementRefs(node, attrs, line, col) {
  const tag = node.tagName;
  const refs = [];
  const rel = (attrs.rel || "").toLowerCase().split(/\s+/);
  if (!(tag === "link" && ORIGIN_ONLY_RELS.some((r) => rel.includes(r)))) {
    for (const name of URL_ATTRS[tag] || []) {
      if (name in attrs) refs.push({ line, col, url: attrs[name], what: `<${tag} ${name}>` });
    }
  }
  const srcset = SRCSET_ATTRS[tag];
  if (srcset && attrs[srcset]) {
    for (const url of srcsetUrls(attrs[srcset])) refs.push({ line, col, url, what: `<${tag} ${srcset}>` });
  }
  if (tag === "meta" && (attrs["http-equiv"] || "").toLowerCase() === "refresh") {
    const m = /url\s*=\s*['"]?([^'";]+)/i.exec(attrs.content || "");
    if (m) refs.push({ line, col, url: m[1], what: "<meta http-equiv=refresh>" });
  }
  const property = (attrs.property || attrs.name || "").toLowerCase();
  if (tag === "meta" && META_URL_PROPS.includes(property) && attrs.content) {
    refs.push({ line, col, url: attrs.content, what: `<meta ${property}>` });
  }
  if (attrs.style) {
    for (const r of cssRefs(attrs.style, line)) refs.push({ ...r, col, what: `<${tag} style> url()` });
  }
  return refs;
}

/** Parses one page: its ids, its <base href>, and every reference with its line and column. */
function parsePage(parse5, text) {
  const doc = parse5.parse(text, { sourceCodeLocationInfo: true });
  const page = { ids: new Set(), base: null, refs: [] };
  const visit = (node) => {
    if (node.tagName) {
      const attrs = Object.fromEntries(node.attrs.map((a) => [a.prefix ? `${a.prefix}:${a.name}` : a.name, a.value]));
      const loc = node.sourceCodeLocation || {};
      if (attrs.id) page.ids.add(attrs.id);
      if (node.tagName === "a" && attrs.name) page.ids.add(attrs.name);
      if (node.tagName === "base" && "href" in attrs && page.base === null) page.base = attrs.href;
      page.refs.push(...elementRefs(node, attrs, loc.startLine || 0, loc.startCol || 0));
      if (node.tagName === "style") {
        const text = node.childNodes.map((c) => c.value || "").join("");
        const first = node.childNodes[0] && node.childNodes[0].sourceCodeLocation;
        for (const r of cssRefs(text, first ? first.startLine : loc.startLine || 0)) page.refs.push({ ...r, what: "<style> url()" });
      }
    }
    for (const child of node.childNodes || []) visit(child);
    if (node.content) visit(node.content); // <template>
  };
  visit(doc);
  return page;
}

/** Whether a URL names another site (`http:`, `https:`, `//host`), or something that is not
 * a file at all (`mailto:`, `data:`, `javascript:`…). */
function kindOf(url) {
  if (/^https?:/i.test(url) || url.startsWith("//")) return "external";
  return /^[a-z][a-z0-9+.-]*:/i.test(url) ? "other" : "internal";
}

class LinkWalk {
  constructor(root, base, siteUrl, parse5) {
    Object.assign(this, { root, base, siteUrl, parse5, pages: new Map(), problems: [], checked: 0, external: 0 });
  }

  page(rel) {
    if (!this.pages.has(rel)) this.pages.set(rel, parsePage(this.parse5, fs.readFileSync(path.join(this.root, rel), "utf8")));
    return this.pages.get(rel);
  }

  /** The file a URL path is served from, or why there is none. */
  locate(urlPath) {
    if (!urlPath.startsWith(this.base)) return { why: `it is outside the base path ${this.base}` };
    let rel;
    try {
      rel = decodeURIComponent(urlPath.slice(this.base.length));
    } catch (e) {
      return { why: "its path is not valid percent-encoding" };
    }
    const full = path.join(this.root, ...rel.split("/").filter((p) => p && p !== "." && p !== ".."));
    const isFile = (f) => fs.existsSync(f) && fs.statSync(f).isFile();
    if (rel === "" || rel.endsWith("/")) {
      return isFile(path.join(full, "index.html")) ? { file: `${rel}index.html` } : { why: `there is no ${rel}index.html` };
    }
    if (isFile(full)) return { file: rel };
    if (isFile(path.join(full, "index.html"))) return { file: `${rel}/index.html` };
    return { why: `there is no file ${rel}` };
  }

  check(from, pageAt, ref) {
    const written = ref.url.replace(/[\t\n\r]/g, "").trim();
    const ours = this.siteUrl && `${written}/`.startsWith(this.siteUrl);
    const url = ours ? this.base + written.slice(this.siteUrl.length) : written;
    const kind = kindOf(url);
    if (!url || kind === "other") return;
    if (kind === "external") return void this.external++;
    this.checked++;
    const target = new URL(url, ORIGIN + pageAt);
    const problem = (message) => this.problems.push({ file: from, line: ref.line, col: ref.col, message });
    const found = this.locate(target.pathname);
    if (!found.file) return problem(`broken link ${ref.what} "${written}": ${found.why}`);
    const fragment = target.hash.slice(1).split(":~:")[0];
    if (!fragment || fragment === "top" || !/\.html?$/i.test(found.file)) return;
    const ids = this.page(found.file).ids;
    let decoded = fragment;
    try {
      decoded = decodeURIComponent(fragment);
    } catch (e) {
      // an undecodable fragment is compared as written
    }
    if (!ids.has(fragment) && !ids.has(decoded)) {
      problem(`missing fragment ${ref.what} "${written}": no id "${decoded}" in ${found.file === from ? "this page" : found.file}`);
    }
  }

  /** The URL path a page's relative links resolve from: its own, or its <base href>'s. */
  resolvesFrom(rel, page) {
    const own = pageUrl(this.base, rel);
    if (page.base === null) return own;
    const base = new URL(page.base, ORIGIN + own);
    return base.origin === ORIGIN ? base.pathname : null;
  }

  run(files) {
    for (const rel of files.html) {
      const page = this.page(rel);
      const pageAt = this.resolvesFrom(rel, page);
      if (pageAt === null) {
        this.problems.push({ file: rel, message: `<base href="${page.base}"> names another site: its links cannot be checked` });
        continue;
      }
      const seen = new Set(); // one element naming a URL twice (src and srcset) is one reference
      for (const ref of page.refs) {
        const key = `${ref.line}:${ref.col}:${ref.url}`;
        if (!seen.has(key)) this.check(rel, pageAt, ref);
        seen.add(key);
      }
    }
    for (const rel of files.css) {
      for (const ref of cssRefs(fs.readFileSync(path.join(this.root, rel), "utf8"), 1)) {
        if (!ref.url.startsWith("#")) this.check(rel, this.base + rel, { ...ref, what: "url()" });
      }
    }
    return this;
  }
}

/** Checks every reference of the site in `root` served under `base`; returns the problems
 * found. Absolute links that start with `siteUrl` (the site's public URL, if given) are
 * checked as internal ones. */
async function checkLinks(root, base, siteUrl, files) {
  const parse5 = await import("parse5");
  const walk = new LinkWalk(root, base, siteUrl, parse5).run(files);
  return { errors: walk.problems, checked: walk.checked, external: walk.external };
}

module.exports = { checkLinks, siteFiles, pageUrl, srcsetUrls };
