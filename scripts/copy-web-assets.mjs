// Copies the browser builds GridMap serves from node_modules: OpenLayers into the shared Razor class library
// (src/MapShared/wwwroot/lib, served to the portal and the field app), ECharts into the portal's wwwroot/lib. Runs
// after npm ci; the builds fingerprint these files, so they must exist before `dotnet build`.
import { cpSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const shared = join(root, "src", "MapShared", "wwwroot", "lib");
const portal = join(root, "src", "MapPortal", "wwwroot", "lib");
const copies = [
  ["node_modules/ol/dist/ol.js", join(shared, "ol/ol.js")],
  ["node_modules/ol/ol.css", join(shared, "ol/ol.css")],
  ["node_modules/echarts/dist/echarts.min.js", join(portal, "echarts/echarts.min.js")],
];
for (const [from, to] of copies) {
  mkdirSync(dirname(to), { recursive: true });
  cpSync(join(root, from), to);
}
console.log(`copied ${copies.length} files into ${shared} and ${portal}`);
