// OpenLayers for the MapView component: draws GridMap's own tiles and reports clicks. No business rules live here:
// which unit is shown, what a click means and what the panel says are decided in .NET. What the tiling service knows
// it says itself: tile URLs and zoom ranges come from its TileJSON, the colours of its layers from its style document
// (those its PNG tiles are drawn with). Only the portal's own overlays pick colours here.
const ol = window.ol;

const TILE_LAYERS = ["admin", "grids", "buildings", "incidents", "freshness"];
// The service draws PNG tiles from the vector data at any zoom; past this one the map scales them up.
const PNG_MAX_ZOOM = 18;
const DEADLINE = { on_time: "#16a34a", due_soon: "#f59e0b", overdue: "#dc2626", paused: "#9ca3af", finished: "#9ca3af" };
const REPLAY = { Reported: "#2563eb", Closed: "#6b7280", Voided: "#6b7280", Rejected: "#6b7280" };

// The tiling service's style and TileJSON, read once per page for every map on it (again after a failed read).
const services = new Map();
function describe(tilesUrl) {
  if (!services.has(tilesUrl)) {
    const read = path => fetch(tilesUrl + path).then(r => (r.ok ? r.json() : null)).catch(() => null);
    const reads = Promise.all([read("/styles/default.json"), ...TILE_LAYERS.map(name => read(`/tiles/${name}.json`))])
      .then(([style, ...tilejson]) => {
        const service = { style, tilejson: Object.fromEntries(TILE_LAYERS.map((name, i) => [name, tilejson[i]])) };
        if (!style || tilejson.includes(null)) services.delete(tilesUrl);
        return service;
      });
    services.set(tilesUrl, reads);
  }
  return services.get(tilesUrl);
}

// The colours and sizes the style document gives the service's own layers, by the style's layer ids.
function lookOf(style) {
  const layers = new Map((style?.layers ?? []).map(l => [l.id, l]));
  const paint = (id, key) => layers.get(id)?.paint?.[key];
  const layout = (id, key) => layers.get(id)?.layout?.[key];
  // A ["match", input, value, result, ..., fallback] expression, taken for one input.
  const match = (expression, input) => {
    if (!Array.isArray(expression)) return expression;
    for (let i = 2; i < expression.length - 1; i += 2) if (expression[i] === input) return expression[i + 1];
    return expression[expression.length - 1];
  };
  const adminLine = level => {
    const id = layers.has(`admin-level-${level}`) ? `admin-level-${level}` : "admin-level-5";
    return [paint(id, "line-color"), paint(id, "line-width")];
  };
  return {
    adminLine,
    adminLabelSize: level => match(layout("admin-labels", "text-size"), level),
    gridFill: status => match(paint("grids-fill", "fill-color"), status),
    gridOutline: paint("grids-outline", "line-color"),
    gridLabel: paint("grid-labels", "text-color"),
    gridLabelSize: layout("grid-labels", "text-size"),
    halo: paint("grid-labels", "text-halo-color"),
  };
}

// "#rrggbb" at an opacity, for the dimmed variants of the service's colours.
function faded(hex, alpha) {
  if (!hex) return undefined;
  const [r, g, b] = [1, 3, 5].map(i => parseInt(hex.slice(i, i + 2), 16));
  return `rgba(${r},${g},${b},${alpha})`;
}

// A vector tile source at the URL and up to the last zoom a layer's TileJSON gives; none when the service did not say.
function vectorTiles(tilejson, extra) {
  return tilejson ? new ol.source.VectorTile({ format: new ol.format.MVT(), url: tilejson.tiles[0], maxZoom: tilejson.maxzoom, ...extra }) : undefined;
}

// A layer shows from half a level before its first zoom.
const shownFrom = tilejson => (tilejson ? tilejson.minzoom - 0.5 : undefined);

function styleCache(make) {
  const cache = new Map();
  return (key, ...args) => {
    if (!cache.has(key)) cache.set(key, make(...args));
    return cache.get(key);
  };
}

// The operator's basemap (portal setting Basemap): an XYZ template or a Web Mercator WMTS layer, under everything, with
// its attribution; null keeps the plain background.
function basemapLayer(basemap) {
  if (!basemap) return null;
  const attributions = basemap.attribution;
  let source;
  if (basemap.kind === "wmts") {
    const projection = ol.proj.get("EPSG:3857");
    const size = ol.extent.getWidth(projection.getExtent()) / 256;
    const resolutions = [], matrixIds = [];
    for (let z = 0; z <= basemap.maxZoom; z++) { resolutions.push(size / 2 ** z); matrixIds.push(String(z)); }
    source = new ol.source.WMTS({
      url: basemap.url, layer: basemap.layer, matrixSet: basemap.matrixSet, format: basemap.format, style: basemap.style, projection,
      tileGrid: new ol.tilegrid.WMTS({ origin: ol.extent.getTopLeft(projection.getExtent()), resolutions, matrixIds }), attributions,
    });
  } else {
    source = new ol.source.XYZ({ url: basemap.url, maxZoom: basemap.maxZoom, attributions });
  }
  return new ol.layer.Tile({ source, zIndex: 0, className: "basemap-layer" });
}

export async function createMap(element, positionElement, options, dotnet) {
  const service = await describe(options.tilesUrl.replace(/\/$/, ""));
  const look = lookOf(service.style);
  const tilejson = service.tilejson;
  const state = { prefix: "", vacancy: false, labels: true, shown: null, replayIndex: -1 };
  const lines = styleCache((colour, width) => new ol.style.Style({ stroke: new ol.style.Stroke({ color: colour, width }) }));
  const fills = styleCache((fill, stroke, width) => new ol.style.Style({
    fill: new ol.style.Fill({ color: fill }), stroke: new ol.style.Stroke({ color: stroke, width }) }));
  const texts = styleCache((text, size, colour) => new ol.style.Style({
    text: new ol.style.Text({
      text, font: `${size}px "Noto Sans CJK SC", "Microsoft YaHei", sans-serif`,
      fill: new ol.style.Fill({ color: colour }), stroke: new ol.style.Stroke({ color: look.halo, width: 3 }), overflow: true,
    }),
  }));

  const inside = code => !state.prefix || code.startsWith(state.prefix) || state.prefix.startsWith(code);

  const adminStyle = feature => {
    const level = feature.get("level"), code = feature.get("code");
    const dim = !inside(code);
    if (feature.getGeometry().getType() === "Point") {
      if (!state.labels || dim) return null;
      return texts(`${code}`, feature.get("name"), look.adminLabelSize(level), look.adminLine(level)[0]);
    }
    const [colour, width] = look.adminLine(level);
    return dim ? lines(`d${level}`, "rgba(120,140,170,0.35)", Math.max(0.5, width * 0.6)) : lines(`${level}`, colour, width);
  };

  const gridStyle = feature => {
    if (feature.getGeometry().getType() === "Point") {
      const code = feature.get("code");
      return state.labels && inside(code) ? texts(`g${code}`, code.slice(12), look.gridLabelSize, look.gridLabel) : null;
    }
    const vacant = feature.get("status") === "vacant", dim = !inside(feature.get("code"));
    const vacantFill = look.gridFill("vacant"), staffedFill = look.gridFill("staffed");
    if (dim) return fills(`dim${vacant}`, vacant && state.vacancy ? faded(vacantFill, 0.35) : faded(staffedFill, 0.25), faded(look.gridOutline, 0.25), 0.5);
    if (state.vacancy) return vacant ? fills("vv", "#e5484d", "#9b1c1f", 1.2) : fills("vs", faded(staffedFill, 0.45), "#9fb6d6", 0.5);
    return fills(vacant ? "v" : "s", vacant ? vacantFill : staffedFill, look.gridOutline, 0.6);
  };

  const admin = new ol.layer.VectorTile({ source: vectorTiles(tilejson.admin), style: adminStyle, declutter: true, zIndex: 3 });
  // The shared grids come at OpenLayers' own tile zoom for the view (its 512-pixel tiles reach the grids' first zoom
  // about a level after the layer shows); starting their tile grid there would load every grid of a county at once.
  const grids = new ol.layer.VectorTile({ source: vectorTiles(tilejson.grids), style: gridStyle, minZoom: shownFrom(tilejson.grids), zIndex: 2 });
  // The same grids drawn by the service as PNG: its vector tile URLs with the image suffix.
  const png = new ol.layer.Tile({
    source: tilejson.grids ? new ol.source.XYZ({ url: tilejson.grids.tiles[0].replace(/\.mvt$/, ".png"), maxZoom: PNG_MAX_ZOOM }) : undefined,
    visible: false, minZoom: shownFrom(tilejson.grids), zIndex: 1,
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
  // Per-account layers (buildings, incidents): each tile request carries the signed-in person's token, and their tile
  // grid starts at their first zoom, so the few tiles of one's own area come as soon as the layer shows.
  // cache: "no-cache" revalidates (ETag, 304) instead of trusting the minute the service allows private tiles.
  const withToken = (url, tile, cache = "default") => tile.setLoader((extent, resolution, projection) =>
    fetch(url, { headers: { Authorization: `Bearer ${options.accessToken}` }, cache })
      .then(r => (r.status === 200 ? r.arrayBuffer() : null))
      .then(data => tile.setFeatures(data ? tile.getFormat().readFeatures(data, { extent, featureProjection: projection }) : []))
      .catch(() => tile.setState(3)));
  const buildings = options.accessToken ? new ol.layer.VectorTile({
    source: vectorTiles(tilejson.buildings, { minZoom: tilejson.buildings?.minzoom, tileLoadFunction: (tile, url) => withToken(url, tile) }),
    style: feature => fills(`b${state.prefix === feature.get("code")}`,
      state.prefix === feature.get("code") ? "#f59e0b" : "#c9b18a", "#7a5c2e", 0.8),
    minZoom: shownFrom(tilejson.buildings), zIndex: 3,
  }) : null;
  // Register freshness per grid (per-account tiles): red under 30 %, orange under 60 %, yellow-green under 90 %, green
  // above; grey where a grid has no households. Hidden until the freshness view is on.
  const freshColour = permille => (permille === undefined || permille === null ? "#9ca3af"
    : permille < 300 ? "#e5484d" : permille < 600 ? "#f59e0b" : permille < 900 ? "#a3c94a" : "#16a34a");
  window.gridmap = window.gridmap || { renderCount: 0 };
  window.gridmap.freshness = {};
  const freshness = options.accessToken && tilejson.freshness ? new ol.layer.VectorTile({
    // Freshness moves with every register change: always revalidated, never taken from the browser's cache unasked.
    source: vectorTiles(tilejson.freshness, { minZoom: tilejson.freshness.minzoom, tileLoadFunction: (tile, url) => withToken(url, tile, "no-cache") }),
    style: feature => {
      const colour = freshColour(feature.get("permille"));
      window.gridmap.freshness[feature.get("code")] = { colour, permille: feature.get("permille") ?? null,
        fresh: feature.get("fresh"), households: feature.get("households") };
      return fills(`f${colour}`, faded(colour, 0.55), colour, 1);
    },
    visible: false, minZoom: shownFrom(tilejson.freshness), zIndex: 2,
  }) : null;
  // Events (command centre): the per-account incidents tiles (clusters up to z12), the live points the page hands over,
  // a heatmap of those points, and the day replay. Colours only encode the deadline state the server computed.
  const eventDot = styleCache((colour, radius, text, ring) => new ol.style.Style({
    image: new ol.style.Circle({ radius, fill: new ol.style.Fill({ color: colour }),
      stroke: new ol.style.Stroke({ color: ring ?? "#ffffff", width: ring ? 3 : 1.5 }) }),
    text: text ? new ol.style.Text({ text, font: "bold 11px sans-serif", fill: new ol.style.Fill({ color: "#ffffff" }) }) : undefined,
  }));
  const colourOf = deadline => DEADLINE[deadline] ?? DEADLINE.finished;
  const incidentStyle = feature => {
    const count = feature.get("count");
    if (count !== undefined)
      return eventDot(`c${feature.get("deadline")}${count}`, colourOf(feature.get("deadline")), Math.min(22, 7 + 3 * Math.log2(count + 1)),
        count > 1 ? String(count) : "", null);
    return eventDot(`p${feature.get("deadline")}${feature.get("urgent")}`, colourOf(feature.get("deadline")), 6, "", feature.get("urgent") ? "#7f1d1d" : null);
  };
  // The command centre's filters ride on every incidents tile request (?major=&open=&level=&days=), so the tiles show
  // what the list shows.
  let incidentQuery = "";
  const incidents = options.incidents && options.accessToken ? new ol.layer.VectorTile({
    source: vectorTiles(tilejson.incidents, { minZoom: tilejson.incidents?.minzoom, tileLoadFunction: (tile, url) => withToken(url + incidentQuery, tile) }),
    style: incidentStyle, zIndex: 6,
  }) : null;
  const liveSource = new ol.source.Vector();
  const live = new ol.layer.Vector({
    source: liveSource, zIndex: 8,
    style: f => eventDot(`l${f.get("deadline")}${f.get("selected")}${f.get("fresh")}`, colourOf(f.get("deadline")), f.get("selected") ? 9 : 7, "",
      f.get("selected") ? "#1e3a8a" : f.get("fresh") ? "#f59e0b" : null),
  });
  const heatmap = new ol.layer.Heatmap({ source: liveSource, blur: 18, radius: 12, visible: false, zIndex: 7,
    weight: f => (f.get("deadline") === "overdue" ? 1 : f.get("deadline") === "finished" ? 0.2 : 0.6) });
  const replaySource = new ol.source.Vector();
  const replay = new ol.layer.Vector({
    source: replaySource, visible: false, zIndex: 9,
    style: f => (f.get("index") > state.replayIndex ? null
      : eventDot(`r${f.get("state")}${f.get("index") === state.replayIndex}`, REPLAY[f.get("state")] ?? "#2563eb",
        f.get("index") === state.replayIndex ? 9 : 5, "", f.get("index") === state.replayIndex ? "#111827" : null)),
  });
  // Today's patrol tracks (command centre, from GeoApi for the caller's area): one red line per patrol, its start a dot.
  const tracks = new ol.layer.Vector({ source: new ol.source.Vector(), zIndex: 5,
    style: f => [new ol.style.Style({ stroke: new ol.style.Stroke({ color: "rgba(192,57,43,0.85)", width: 3 }) }),
      new ol.style.Style({ geometry: g => new ol.geom.Point(g.getGeometry().getFirstCoordinate()),
        image: new ol.style.Circle({ radius: 4, fill: new ol.style.Fill({ color: "#c0392b" }), stroke: new ol.style.Stroke({ color: "#fff", width: 1.5 }) }) })] });
  const basemap = basemapLayer(options.basemap);
  // Over imagery the grids are washed lighter, so roads and roofs show through them.
  if (basemap) grids.setOpacity(0.6);
  const layers = { admin, grids, png, buildings, incidents, live, heatmap, replay, freshness, tracks, ...(basemap ? { basemap } : {}) };

  // The data's bounds, as every layer's TileJSON gives them (the whole world if the service could not be read).
  const bounds = options.extent ?? Object.values(tilejson).find(Boolean)?.bounds;
  const extent = bounds ? ol.proj.transformExtent(bounds, "EPSG:4326", "EPSG:3857") : ol.proj.get("EPSG:3857").getExtent();
  const map = new ol.Map({
    target: element,
    layers: [...(basemap ? [basemap] : []), png, grids, ...(freshness ? [freshness] : []), admin, ...(buildings ? [buildings] : []), highlight, vacantPoints, ...(incidents ? [incidents] : []), tracks, heatmap, live, replay],
    view: new ol.View({ center: ol.extent.getCenter(extent), zoom: 6, minZoom: 4, maxZoom: 19, extent: ol.extent.buffer(extent, 300000) }),
    // An imagery licence asks for its attribution in sight: not folded away when a basemap is shown.
    controls: ol.control.defaults.defaults({ attributionOptions: { collapsible: !basemap } }).extend([
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
    // A click on an event (live point, replay step or single incident from the tiles) opens it; elsewhere it is a place.
    const hit = map.forEachFeatureAtPixel(e.pixel, f => (f.get("id") !== undefined ? f : undefined),
      { layerFilter: l => l === live || l === replay || l === incidents, hitTolerance: 4 });
    if (hit) return dotnet.invokeMethodAsync("OnEventClicked", Number(hit.get("id")));
    const [lon, lat] = ol.proj.toLonLat(e.coordinate);
    dotnet.invokeMethodAsync("OnMapClicked", lon, lat);
  });
  // For browser tests: the live events on the map now, id → workflow state.
  const publishLive = () => {
    window.gridmap.live = Object.fromEntries(liveSource.getFeatures().map(f => [f.getId(), f.get("state")]));
  };
  publishLive();
  // For browser tests and benchmarks: where a lon/lat is on screen now.
  window.gridmap.pixelOf = (lon, lat) => map.getPixelFromCoordinate(ol.proj.fromLonLat([lon, lat]));

  // Planning (issue 7): a village's draft grids, the edit tools, a version's diff and where the rules are broken.
  // The tools only collect what the planner drew or picked and hand it to .NET; GeoApi does the geometry.
  const draftSource = new ol.source.Vector();
  const DRAFT = { kept: ["rgba(255,255,255,0.55)", "#475569"], reshaped: ["rgba(147,197,253,0.45)", "#1d4ed8"], added: ["rgba(134,239,172,0.5)", "#15803d"] };
  const selectedRing = new ol.style.Style({ stroke: new ol.style.Stroke({ color: "#f59e0b", width: 4 }) });
  const draftStyle = feature => {
    const [fill, stroke] = DRAFT[feature.get("status")] ?? DRAFT.kept;
    const code = feature.get("code") ?? "";
    const styles = [fills(`draft${fill}`, fill, stroke, 1.5), texts(`dl${code}`, code.slice(12), 13, stroke)];
    if (state.selected.includes(code)) styles.push(selectedRing);
    return styles;
  };
  const draft = new ol.layer.Vector({ source: draftSource, style: draftStyle, zIndex: 10 });
  const DIFF = {
    before: { retired: ["rgba(220,38,38,0.12)", "#dc2626"], reshaped: ["rgba(0,0,0,0)", "#9ca3af"], kept: ["rgba(0,0,0,0)", "#9ca3af"] },
    after: { added: ["rgba(34,197,94,0.35)", "#15803d"], reshaped: ["rgba(59,130,246,0.3)", "#1d4ed8"], kept: ["rgba(255,255,255,0.3)", "#64748b"] },
  };
  const diffStyle = feature => {
    const side = feature.get("side") === "before" ? "before" : "after";
    const [fill, stroke] = DIFF[side][feature.get("change")] ?? DIFF[side].kept;
    const style = new ol.style.Style({
      fill: new ol.style.Fill({ color: fill }),
      stroke: new ol.style.Stroke({ color: stroke, width: side === "before" ? 2 : 1.5, lineDash: side === "before" ? [6, 4] : undefined }),
      text: side === "after" ? new ol.style.Text({ text: (feature.get("code") ?? "").slice(12), font: "12px sans-serif",
        fill: new ol.style.Fill({ color: stroke }), stroke: new ol.style.Stroke({ color: "#fff", width: 3 }) }) : undefined,
    });
    return style;
  };
  const diff = new ol.layer.Vector({ source: new ol.source.Vector(), style: diffStyle, zIndex: 10 });
  const problems = new ol.layer.Vector({
    source: new ol.source.Vector(), zIndex: 11,
    style: new ol.style.Style({
      fill: new ol.style.Fill({ color: "rgba(220,38,38,0.35)" }), stroke: new ol.style.Stroke({ color: "#b91c1c", width: 3 }),
      image: new ol.style.Circle({ radius: 8, stroke: new ol.style.Stroke({ color: "#b91c1c", width: 3 }), fill: new ol.style.Fill({ color: "rgba(220,38,38,0.3)" }) }),
    }),
  });
  map.addLayer(diff);
  map.addLayer(draft);
  map.addLayer(problems);
  state.selected = [];
  state.tool = null;
  state.interactions = [];
  const toLonLat = c => ol.proj.toLonLat(c);
  const nearestVertex = (features, coordinate) => {
    let best = null, bestDistance = Infinity;
    for (const f of features.getArray ? features.getArray() : features)
      for (const polygon of f.getGeometry().getCoordinates())
        for (const ring of (f.getGeometry().getType() === "MultiPolygon" ? polygon : [polygon]))
          for (const c of ring) {
            const d = (c[0] - coordinate[0]) ** 2 + (c[1] - coordinate[1]) ** 2;
            if (d < bestDistance) { bestDistance = d; best = c; }
          }
    return best;
  };
  const publishDraft = () => {
    window.gridmap.draft = draftSource.getFeatures().map(f => f.get("code")).sort();
    window.gridmap.tool = state.tool;
  };
  const setTool = tool => {
    for (const i of state.interactions) map.removeInteraction(i);
    state.interactions = [];
    state.tool = tool;
    if (tool === "line" || tool === "polygon") {
      const draw = new ol.interaction.Draw({ type: tool === "line" ? "LineString" : "Polygon" });
      draw.on("drawend", e => {
        const coordinates = e.feature.getGeometry().getCoordinates();
        const points = (tool === "line" ? coordinates : coordinates[0]).map(toLonLat);
        dotnet.invokeMethodAsync(tool === "line" ? "OnLineDrawn" : "OnPolygonDrawn", points);
      });
      state.interactions.push(draw);
      // A carved grid's outline usually follows existing edges; a split line must cross, so it does not snap.
      if (tool === "polygon") state.interactions.push(new ol.interaction.Snap({ source: draftSource }));
    } else if (tool === "vertex") {
      const modify = new ol.interaction.Modify({ source: draftSource, insertVertexCondition: () => false });
      let from = null;
      modify.on("modifystart", e => { from = nearestVertex(e.features, e.mapBrowserEvent.coordinate)?.slice(); });
      modify.on("modifyend", e => {
        const to = nearestVertex(e.features, e.mapBrowserEvent.coordinate);
        if (from && to) dotnet.invokeMethodAsync("OnVertexMoved", toLonLat(from), toLonLat(to));
        from = null;
      });
      state.interactions.push(modify, new ol.interaction.Snap({ source: draftSource }));
    }
    for (const i of state.interactions) map.addInteraction(i);
    publishDraft();
  };
  const pickDraft = pixel => map.forEachFeatureAtPixel(pixel, f => f, { layerFilter: l => l === draft });
  map.on("singleclick", e => {
    if (state.tool !== "select") return;
    const hit = pickDraft(e.pixel);
    if (hit) dotnet.invokeMethodAsync("OnDraftGridClicked", hit.get("code"));
  });
  const readFeatures = geojson => new ol.format.GeoJSON().readFeatures(geojson, { featureProjection: "EPSG:3857" });

  return {
    // Printing: the map is drawn at the sheet's size (see .printing-map in app.css) with the title and date above it,
    // and put back after the print dialog closes. Resolves once the resized map has finished drawing.
    preparePrint(view, title, date) {
      view.querySelector(".map-print-title").textContent = title || document.title;
      view.querySelector(".map-print-date").textContent = date;
      view.dataset.printing = "true";
      document.body.classList.add("printing-map");
      const restore = () => {
        delete view.dataset.printing;
        document.body.classList.remove("printing-map");
        map.updateSize();
        window.gridmap.printReady = false;
      };
      window.addEventListener("afterprint", restore, { once: true });
      return new Promise(resolve => {
        map.once("rendercomplete", () => { window.gridmap.printReady = true; resolve(); });
        map.updateSize();
        map.render();
      });
    },
    // The draft's grids (a FeatureCollection, null clears them); the selection survives when its codes do.
    setDraft(geojson) {
      draftSource.clear();
      if (geojson) draftSource.addFeatures(readFeatures(geojson));
      publishDraft();
    },
    setSelection(codes) { state.selected = codes ?? []; window.gridmap.selected = state.selected; draft.changed(); },
    // "select" | "line" | "polygon" | "vertex" | null.
    setEditTool(tool) { setTool(tool); },
    setDiff(geojson) {
      diff.getSource().clear();
      if (geojson) diff.getSource().addFeatures(readFeatures(geojson));
      window.gridmap.diff = diff.getSource().getFeatures().length;
    },
    setProblems(geojson) {
      problems.getSource().clear();
      if (geojson) problems.getSource().addFeatures(readFeatures(geojson));
    },
    zoomTo(geojson) {
      const geometry = new ol.format.GeoJSON().readGeometry(geojson, { featureProjection: "EPSG:3857" });
      map.getView().fit(ol.extent.buffer(geometry.getExtent(), 30), { padding: [60, 60, 60, 60], duration: 300, maxZoom: 19 });
    },
    refreshGrids() { grids.getSource()?.refresh(); png.getSource()?.refresh(); },
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
    // The live points: [{ id, lon, lat, deadline, state, urgent }]; replace = the whole set, otherwise added or updated.
    setLiveEvents(events, replace) {
      if (replace) liveSource.clear();
      for (const e of events) {
        const geometry = new ol.geom.Point(ol.proj.fromLonLat([e.lon, e.lat]));
        const existing = liveSource.getFeatureById(e.id);
        if (existing) { existing.setGeometry(geometry); existing.setProperties({ ...e, fresh: !replace }); }
        else {
          const f = new ol.Feature({ geometry, ...e, fresh: !replace });
          f.setId(e.id);
          liveSource.addFeature(f);
        }
      }
      publishLive();
    },
    removeLiveEvent(id) {
      const f = liveSource.getFeatureById(id);
      if (f) liveSource.removeFeature(f);
      publishLive();
    },
    selectEvent(id) {
      liveSource.forEachFeature(f => f.set("selected", f.getId() === id));
      const f = liveSource.getFeatureById(id);
      if (f && !ol.extent.containsCoordinate(map.getView().calculateExtent(), f.getGeometry().getCoordinates()))
        map.getView().animate({ center: f.getGeometry().getCoordinates(), duration: 300 });
    },
    setTracks(geojson) {
      tracks.getSource().clear();
      if (geojson)
        tracks.getSource().addFeatures(new ol.format.GeoJSON().readFeatures(geojson, { featureProjection: "EPSG:3857" }));
      window.gridmap.tracks = tracks.getSource().getFeatures().map(f => f.get("id"));
    },
    setHeatmap(on) { heatmap.setVisible(on); live.setVisible(!on && !replay.getVisible()); },
    refreshIncidents() { incidents?.getSource()?.refresh(); },
    setIncidentFilter(query) {
      const next = query ? `?${query}` : "";
      window.gridmap.incidentQuery = next;
      if (next === incidentQuery)
        return;
      incidentQuery = next;
      incidents?.getSource()?.refresh();
    },
    setFreshnessMode(on) { freshness?.setVisible(on); },
    refreshFreshness() { window.gridmap.freshness = {}; freshness?.getSource()?.refresh(); },
    // The day's steps [{ id, lon, lat, state, index }]; setReplayIndex shows steps 0..index.
    setReplaySteps(steps) {
      replaySource.clear();
      replaySource.addFeatures(steps.map(s => new ol.Feature({ geometry: new ol.geom.Point(ol.proj.fromLonLat([s.lon, s.lat])), ...s })));
    },
    setReplayMode(on) {
      replay.setVisible(on);
      live.setVisible(!on && !heatmap.getVisible());
      incidents?.setVisible(!on);
    },
    setReplayIndex(index) { state.replayIndex = index; window.gridmap.replayIndex = index; replay.changed(); },
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
