// Expands JSON-LD documents with the `jsonld` processor, offline: schema.org's
// context is read from tests/fixtures/jsonld/schemaorg-context.jsonld instead
// of the network, and any other remote context is an error.
// usage: node jsonld.cjs FILE (a JSON array of JSON-LD documents); prints one
// line per document: its expanded form, or {"error": "..."}.
const fs = require("fs");
const path = require("path");
const jsonld = require("jsonld");

const context = JSON.parse(
  fs.readFileSync(path.join(__dirname, "..", "fixtures", "jsonld", "schemaorg-context.jsonld"), "utf8"),
);
const SCHEMA = /^https?:\/\/schema\.org\/?(docs\/jsonldcontext\.json(ld)?)?$/;

async function documentLoader(url) {
  if (SCHEMA.test(url)) return { contextUrl: null, documentUrl: url, document: context };
  throw new Error(`no network: cannot load the context ${url}`);
}

(async () => {
  const documents = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  for (const doc of documents) {
    try {
      const expanded = await jsonld.expand(doc, { documentLoader, safe: true });
      console.log(JSON.stringify(expanded));
    } catch (e) {
      console.log(JSON.stringify({ error: String(e && (e.message || e)), details: e && e.details }));
    }
  }
})().catch((e) => { console.error(e); process.exit(1); });
