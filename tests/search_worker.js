// Runs a built Material search worker in Node, as the browser would, and prints for each query the
// ranked result groups (one per page: the locations of its matching sections) as JSON:  node search_worker.js <worker.js> <search_index.json> <query>...
// importScripts("../lunr/...") is resolved against the worker's own folder, like in a browser.
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const [workerPath, indexPath, ...queries] = process.argv.slice(2);
const workerDir = path.dirname(path.resolve(workerPath));
let listener = null;
const replies = [];
const context = {
  console, setTimeout, clearTimeout, Promise, Symbol,
  addEventListener: (type, fn) => { if (type === "message") listener = fn; },
  postMessage: message => replies.push(message),
  importScripts: (...urls) => {
    for (const url of urls)
      vm.runInContext(fs.readFileSync(path.resolve(workerDir, url), "utf8"), context, { filename: url });
  },
};
context.self = context;
vm.createContext(context);
vm.runInContext(fs.readFileSync(workerPath, "utf8"), context, { filename: workerPath });

async function send(message) {
  const before = replies.length;
  listener({ data: message });
  while (replies.length === before) await new Promise(resolve => setTimeout(resolve, 1));
  return replies[replies.length - 1];
}

(async () => {
  const index = JSON.parse(fs.readFileSync(indexPath, "utf8"));
  const ready = await send({ type: 0, data: { options: { suggest: false }, ...index } });  // SETUP
  if (ready.type !== 1) throw new Error(`worker did not get ready: ${JSON.stringify(ready)}`);
  const out = {};
  for (const query of queries) {
    const result = await send({ type: 2, data: query });       // QUERY -> RESULT
    out[query] = result.data.items.map(group => group.map(item => item.location));
  }
  process.stdout.write(JSON.stringify(out));
})().catch(err => { console.error(err); process.exit(1); });
