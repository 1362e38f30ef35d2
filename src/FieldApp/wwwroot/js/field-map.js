// The field app's map: OpenLayers (from the shared class library) drawing the own grid from the bundle on the phone
// — its outline and buildings, coloured by whether their households are fresh — the device's position and the
// patrol's track. It needs no network: everything it draws is in the bundle.
const maps = new Map();

const fresh = "rgba(46,139,87,0.55)", stale = "rgba(214,120,40,0.55)", none = "rgba(140,140,140,0.35)";

export function create(element, bundleJson, listener) {
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
    view: new ol.View({ center: [0, 0], zoom: 16, maxZoom: 20 }),
  });
  map.getView().fit(outline.getGeometry(), { padding: [16, 16, 16, 16] });
  here.setStyle(new ol.style.Style({}));
  map.on("singleclick", e => {
    const hit = map.forEachFeatureAtPixel(e.pixel, f => (f.getId() ? f : undefined));
    if (hit)
      listener.invokeMethodAsync("OnBuildingClicked", hit.getId());
  });
  maps.set(element, { map, track, here });
  map.once("rendercomplete", () => element.setAttribute("data-rendered", "1"));
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
