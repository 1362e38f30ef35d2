// Copies the browser builds the portal needs from node_modules into src/MapPortal/wwwroot/lib. Runs after npm ci;
// the portal's build fingerprints these files, so they must exist before `dotnet build`.
import { cpSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const lib = join(root, "src", "MapPortal", "wwwroot", "lib");
const copies = [
  ["node_modules/ol/dist/ol.js", "ol/ol.js"],
  ["node_modules/ol/ol.css", "ol/ol.css"],
  ["node_modules/echarts/dist/echarts.min.js", "echarts/echarts.min.js"],
];
for (const [from, to] of copies) {
  mkdirSync(dirname(join(lib, to)), { recursive: true });
  cpSync(join(root, from), join(lib, to));
}
console.log(`copied ${copies.length} files to ${lib}`);
