// The field app's map: OpenLayers (from the shared class library) drawing the own grid from the bundle on the phone
// — its outline and buildings, coloured by whether their households are fresh — the device's position and the
// patrol's track. It needs no network: everything it draws is in the bundle.
import { getSecret } from "./field.js";

const maps = new Map();

// OpenLayers (the shared class library's copy) loads beside the PIN prompt rather than before it.
const olLoaded = window.ol ? Promise.resolve() : new Promise((resolve, reject) => {
  const script = document.createElement("script");
  script.src = "/_content/GridMap.MapShared/lib/ol/ol.js";
  script.onload = resolve;
  script.onerror = () => reject(new Error("OpenLayers did not load"));
  document.head.append(script);
});

/**
 * What the map draws of a bundle: the outline, each building with whether its households are all fresh, and — when the
 * bundle names the tiling service — its grid and building tiles around (kept in the tile cache for airplane mode).
 */
export function drawing(bundle, token) {
  return {
    tiles: bundle.tiles && token ? { ...bundle.tiles, token } : null,
    outline: bundle.grid.outline,
    buildings: bundle.buildings.map(b => {
      const households = b.houses.flatMap(h => h.households);
      return { code: b.code, geometry: b.geometry, state: households.length === 0 ? "none" : households.every(h => h.fresh) ? "fresh" : "stale" };
    }),
  };
}

/** Draws the bundle held in the (unlocked) vault: the bundle never crosses from .NET to JavaScript again. */
export async function createFromVault(element, listener) {
  const json = await getSecret("bundle");
  if (json)
    await create(element, JSON.stringify(drawing(JSON.parse(json), JSON.parse(await getSecret("token") ?? "null"))), listener);
}

const fresh = "rgba(46,139,87,0.55)", stale = "rgba(214,120,40,0.55)", none = "rgba(140,140,140,0.35)";

export async function create(element, bundleJson, listener) {
  await olLoaded;
  const bundle = JSON.parse(bundleJson);
  const geojson = new ol.format.GeoJSON({ dataProjection: "EPSG:4326", featureProjection: "EPSG:3857" });
  const outline = new ol.Feature(geojson.readGeometry(bundle.outline));
  const buildings = bundle.buildings.map(b => {
    const f = new ol.Feature(geojson.readGeometry(b.geometry));
    f.setId(b.code);
    f.set("state", b.state);
    return f;
  });
  const track = new ol.Feature(new ol.geom.LineString([]));
  const here = new ol.Feature(new ol.geom.Point([0, 0]));
  const map = new ol.Map({
    target: element,
    controls: [new ol.control.Zoom()],
    layers: [
      ...tileLayers(bundle.tiles),
      new ol.layer.Vector({ source: new ol.source.Vector({ features: [outline] }),
        style: new ol.style.Style({ stroke: new ol.style.Stroke({ color: "#1d4e89", width: 3 }), fill: new ol.style.Fill({ color: "rgba(29,78,137,0.05)" }) }) }),
      new ol.layer.Vector({ source: new ol.source.Vector({ features: buildings }),
        style: f => new ol.style.Style({ stroke: new ol.style.Stroke({ color: "#444", width: 1 }),
          fill: new ol.style.Fill({ color: f.get("state") === "fresh" ? fresh : f.get("state") === "stale" ? stale : none }) }) }),
      new ol.layer.Vector({ source: new ol.source.Vector({ features: [track, here] }),
        style: f => f === track
          ? new ol.style.Style({ stroke: new ol.style.Stroke({ color: "#c0392b", width: 4 }) })
          : new ol.style.Style({ image: new ol.style.Circle({ radius: 7, fill: new ol.style.Fill({ color: "#2980b9" }), stroke: new ol.style.Stroke({ color: "#fff", width: 2 }) }) }) }),
    ],
    view: new ol.View({ center: [0, 0], zoom: 16, minZoom: 14, maxZoom: 20 }),
  });
  map.getView().fit(outline.getGeometry(), { padding: [16, 16, 16, 16] });
  here.setStyle(new ol.style.Style({}));
  // A tap: the building under it (if any) and the point, for the page to open the building or pick the place.
  map.on("singleclick", e => {
    const hit = map.forEachFeatureAtPixel(e.pixel, f => (f.getId() ? f : undefined), { layerFilter: l => l instanceof ol.layer.Vector });
    const [lon, lat] = ol.proj.toLonLat(e.coordinate);
    listener.invokeMethodAsync("OnMapClicked", lon, lat, hit ? hit.getId() : null);
  });
  maps.set(element, { map, track, here });
  // The own grid (outline and buildings, from the bundle) is on screen with the first frame: the map is usable then
  // (data-rendered). The tiles around it fill in after; data-complete says when the last one is drawn.
  map.once("rendercomplete", () => element.setAttribute("data-complete", "1"));
  return new Promise(resolve => map.once("postrender", () => {
    element.setAttribute("data-rendered", "1");
    resolve();
  }));
}

/**
 * The tiles around the own grid, drawn under it: neighbouring grids' outlines (the grid layer ends at z16; deeper zooms
 * reuse its tiles) and the account's building footprints. Offline the service worker answers them from the tile cache.
 */
function tileLayers(tiles) {
  if (!tiles)
    return [];
  const layer = name => tiles.layers.find(l => l.name === name);
  const source = (name, layers) => {
    const { minZoom, maxZoom } = layer(name);
    return new ol.source.VectorTile({
      format: new ol.format.MVT({ layers }),
      url: `${tiles.url}/tiles/${name}/{z}/{x}/{y}.mvt`,
      tileGrid: ol.tilegrid.createXYZ({ minZoom, maxZoom, tileSize: 512 }),
      tileLoadFunction: (tile, url) => tile.setLoader((extent, resolution, projection) =>
        fetch(url, { headers: { Authorization: `Bearer ${tiles.token}` } })
          .then(r => (r.ok ? r.arrayBuffer() : null))
          .then(data => tile.setFeatures(data ? tile.getFormat().readFeatures(data, { extent, featureProjection: projection }) : []))
          .catch(() => tile.setState(3))),
    });
  };
  return [
    new ol.layer.VectorTile({ source: source("grids", ["grids"]),
      style: new ol.style.Style({ stroke: new ol.style.Stroke({ color: "#7a8ca3", width: 1, lineDash: [4, 4] }) }) }),
    new ol.layer.VectorTile({ source: source("buildings", ["buildings"]),
      style: new ol.style.Style({ fill: new ol.style.Fill({ color: "rgba(120,120,120,0.25)" }) }) }),
  ];
}

export function showPosition(element, lon, lat) {
  const entry = maps.get(element);
  if (!entry)
    return;
  entry.here.setStyle(null);
  entry.here.getGeometry().setCoordinates(ol.proj.fromLonLat([lon, lat]));
}

export function showTrack(element, pointsJson) {
  const entry = maps.get(element);
  if (entry)
    entry.track.getGeometry().setCoordinates(JSON.parse(pointsJson).map(p => ol.proj.fromLonLat([p[0], p[1]])));
}

export function dispose(element) {
  maps.get(element)?.map.setTarget(undefined);
  maps.delete(element);
}
