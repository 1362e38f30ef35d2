// OpenLayers for the MapView component: draws GridMap's own tiles and reports clicks. No business rules live here:
// which unit is shown, what a click means and what the panel says are decided in .NET.
const ol = window.ol;

const LINE = { 1: ["#1d3f6e", 3.0], 2: ["#2a5c9a", 2.2], 3: ["#3f73b4", 1.6], 4: ["#6b8fc0", 1.0], 5: ["#9fb6d6", 0.7] };
const FILL = { staffed: "#dfe9f5", vacant: "#f3a59c" };

function styleCache(make) {
  const cache = new Map();
  return (key, ...args) => {
    if (!cache.has(key)) cache.set(key, make(...args));
    return cache.get(key);
  };
}

export function createMap(element, positionElement, options, dotnet) {
  const state = { prefix: "", vacancy: false, labels: true, shown: null };
  const lines = styleCache((colour, width) => new ol.style.Style({ stroke: new ol.style.Stroke({ color: colour, width }) }));
  const fills = styleCache((fill, stroke, width) => new ol.style.Style({
    fill: new ol.style.Fill({ color: fill }), stroke: new ol.style.Stroke({ color: stroke, width }) }));
  const texts = styleCache((text, size, colour) => new ol.style.Style({
    text: new ol.style.Text({
      text, font: `${size}px "Noto Sans CJK SC", "Microsoft YaHei", sans-serif`,
      fill: new ol.style.Fill({ color: colour }), stroke: new ol.style.Stroke({ color: "#ffffff", width: 3 }), overflow: true,
    }),
  }));

  const inside = code => !state.prefix || code.startsWith(state.prefix) || state.prefix.startsWith(code);

  const adminStyle = feature => {
    const level = feature.get("level"), code = feature.get("code");
    const dim = !inside(code);
    if (feature.getGeometry().getType() === "Point") {
      if (!state.labels || dim) return null;
      return texts(`${code}`, feature.get("name"), [16, 14, 13, 12, 11][level - 1] ?? 11, LINE[level][0]);
    }
    const [colour, width] = LINE[level] ?? LINE[5];
    return dim ? lines(`d${level}`, "rgba(120,140,170,0.35)", Math.max(0.5, width * 0.6)) : lines(`${level}`, colour, width);
  };

  const gridStyle = feature => {
    if (feature.getGeometry().getType() === "Point") {
      const code = feature.get("code");
      return state.labels && inside(code) ? texts(`g${code}`, code.slice(12), 11, "#2d3e50") : null;
    }
    const vacant = feature.get("status") === "vacant", dim = !inside(feature.get("code"));
    if (dim) return fills(`dim${vacant}`, vacant && state.vacancy ? "rgba(243,165,156,0.35)" : "rgba(223,233,245,0.25)", "rgba(111,143,181,0.25)", 0.5);
    if (state.vacancy) return vacant ? fills("vv", "#e5484d", "#9b1c1f", 1.2) : fills("vs", "rgba(223,233,245,0.45)", "#9fb6d6", 0.5);
    return fills(vacant ? "v" : "s", vacant ? FILL.vacant : FILL.staffed, "#6f8fb5", 0.6);
  };

  const tiles = options.tilesUrl.replace(/\/$/, "");
  const admin = new ol.layer.VectorTile({
    source: new ol.source.VectorTile({ format: new ol.format.MVT(), url: `${tiles}/tiles/admin/{z}/{x}/{y}.mvt`, maxZoom: 14 }),
    style: adminStyle, declutter: true, zIndex: 3,
  });
  const grids = new ol.layer.VectorTile({
    source: new ol.source.VectorTile({ format: new ol.format.MVT(), url: `${tiles}/tiles/grids/{z}/{x}/{y}.mvt`, maxZoom: 16 }),
    style: gridStyle, minZoom: 10.5, zIndex: 2,
  });
  const png = new ol.layer.Tile({
    source: new ol.source.XYZ({ url: `${tiles}/tiles/grids/{z}/{x}/{y}.png`, maxZoom: 18 }), visible: false, minZoom: 10.5, zIndex: 1,
  });
  const highlight = new ol.layer.Vector({
    source: new ol.source.Vector(),
    style: new ol.style.Style({ stroke: new ol.style.Stroke({ color: "#f59e0b", width: 3 }), fill: new ol.style.Fill({ color: "rgba(245,158,11,0.08)" }) }),
    zIndex: 4,
  });
  const vacantPoints = new ol.layer.Vector({
    source: new ol.source.Vector(),
    style: new ol.style.Style({ image: new ol.style.Circle({ radius: 4, fill: new ol.style.Fill({ color: "#e5484d" }),
      stroke: new ol.style.Stroke({ color: "#ffffff", width: 1 }) }) }),
    visible: false, zIndex: 5,
  });
  // Buildings come per account: each tile request carries the signed-in person's token.
  const buildings = options.accessToken ? new ol.layer.VectorTile({
    source: new ol.source.VectorTile({
      format: new ol.format.MVT(), url: `${tiles}/tiles/buildings/{z}/{x}/{y}.mvt`, minZoom: 15, maxZoom: 18,
      tileLoadFunction: (tile, url) => tile.setLoader((extent, resolution, projection) =>
        fetch(url, { headers: { Authorization: `Bearer ${options.accessToken}` } })
          .then(r => (r.status === 200 ? r.arrayBuffer() : null))
          .then(data => tile.setFeatures(data ? tile.getFormat().readFeatures(data, { extent, featureProjection: projection }) : []))
          .catch(() => tile.setState(3))),
    }),
    style: feature => fills(`b${state.prefix === feature.get("code")}`,
      state.prefix === feature.get("code") ? "#f59e0b" : "#c9b18a", "#7a5c2e", 0.8),
    minZoom: 14.5, zIndex: 3,
  }) : null;
  const layers = { admin, grids, png, buildings };

  const extent = ol.proj.transformExtent(options.extent, "EPSG:4326", "EPSG:3857");
  const map = new ol.Map({
    target: element,
    layers: [png, grids, admin, ...(buildings ? [buildings] : []), highlight, vacantPoints],
    view: new ol.View({ center: ol.extent.getCenter(extent), zoom: 6, minZoom: 4, maxZoom: 19, extent: ol.extent.buffer(extent, 300000) }),
    controls: ol.control.defaults.defaults({ attributionOptions: { collapsible: true } }).extend([
      new ol.control.ScaleLine(),
      new ol.control.ZoomToExtent({ extent, tipLabel: options.zoomToExtentLabel }),
      new ol.control.MousePosition({
        target: positionElement,
        coordinateFormat: c => `${c[0].toFixed(5)}, ${c[1].toFixed(5)}`,
        projection: "EPSG:4326",
      }),
    ]),
  });
  map.getView().fit(extent, { padding: [20, 20, 20, 20] });

  window.gridmap = window.gridmap || { renderCount: 0 };
  // Tests and benchmarks wait on these: frames fully drawn, and which unit the settled view shows.
  map.on("rendercomplete", () => {
    window.gridmap.renderCount++;
    window.gridmap.firstRenderAt ??= performance.now();
    if (!map.getView().getAnimating()) window.gridmap.shown = state.shown;
  });
  map.on("singleclick", e => {
    const [lon, lat] = ol.proj.toLonLat(e.coordinate);
    dotnet.invokeMethodAsync("OnMapClicked", lon, lat);
  });
  // For browser tests and benchmarks: where a lon/lat is on screen now.
  window.gridmap.pixelOf = (lon, lat) => map.getPixelFromCoordinate(ol.proj.fromLonLat([lon, lat]));

  return {
    showUnit(code, geojson, bbox, animate) {
      state.prefix = code.length > 2 ? code : "";
      state.shown = code;
      highlight.getSource().clear();
      if (geojson) {
        const features = new ol.format.GeoJSON().readFeatures(geojson, { featureProjection: "EPSG:3857" });
        highlight.getSource().addFeatures(features);
      }
      admin.changed();
      grids.changed();
      buildings?.changed();
      const target = ol.proj.transformExtent(bbox, "EPSG:4326", "EPSG:3857");
      map.getView().fit(target, { padding: [30, 30, 30, 30], duration: animate ? 500 : 0, maxZoom: 17 });
    },
    setLayerVisible(name, visible) { layers[name]?.setVisible(visible); },
    setVacancyMode(on) { state.vacancy = on; vacantPoints.setVisible(on); grids.changed(); },
    // Vacant grids as dots, so the vacancy view shows them at every zoom, also where grids are too small to see.
    setVacantPoints(geojson) {
      vacantPoints.getSource().clear();
      vacantPoints.getSource().addFeatures(new ol.format.GeoJSON().readFeatures(geojson, { featureProjection: "EPSG:3857" }));
    },
    // One pin, e.g. where a report is placed; null clears it.
    setMarker(lonLat) {
      if (!state.marker) {
        state.marker = new ol.layer.Vector({ source: new ol.source.Vector(), zIndex: 6, style: new ol.style.Style({
          image: new ol.style.Circle({ radius: 7, fill: new ol.style.Fill({ color: "#e5484d" }), stroke: new ol.style.Stroke({ color: "#fff", width: 2 }) }) }) });
        map.addLayer(state.marker);
      }
      state.marker.getSource().clear();
      if (lonLat) state.marker.getSource().addFeature(new ol.Feature(new ol.geom.Point(ol.proj.fromLonLat(lonLat))));
    },
    dispose() { map.setTarget(undefined); },
  };
}

// The browser's position (lon, lat), or null when it is not available or not allowed.
export function currentPosition() {
  return new Promise(resolve => {
    if (!navigator.geolocation) return resolve(null);
    navigator.geolocation.getCurrentPosition(
      p => resolve([p.coords.longitude, p.coords.latitude]), () => resolve(null), { timeout: 10000 });
  });
}
