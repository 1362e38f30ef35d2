// OpenLayers for the MapView component: draws GridMap's own tiles and reports clicks. No business rules live here:
// which unit is shown, what a click means and what the panel says are decided in .NET.
const ol = window.ol;

const LINE = { 1: ["#1d3f6e", 3.0], 2: ["#2a5c9a", 2.2], 3: ["#3f73b4", 1.6], 4: ["#6b8fc0", 1.0], 5: ["#9fb6d6", 0.7] };
const FILL = { staffed: "#dfe9f5", vacant: "#f3a59c" };
const DEADLINE = { on_time: "#16a34a", due_soon: "#f59e0b", overdue: "#dc2626", paused: "#9ca3af", finished: "#9ca3af" };
const REPLAY = { Reported: "#2563eb", Closed: "#6b7280", Voided: "#6b7280", Rejected: "#6b7280" };

function styleCache(make) {
  const cache = new Map();
  return (key, ...args) => {
    if (!cache.has(key)) cache.set(key, make(...args));
    return cache.get(key);
  };
}

export function createMap(element, positionElement, options, dotnet) {
  const state = { prefix: "", vacancy: false, labels: true, shown: null, replayIndex: -1 };
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
  // Events (command centre): the per-account incidents tiles (clusters up to z12), the live points the page hands over,
  // a heatmap of those points, and the day replay. Colours only encode the deadline state the server computed.
  const withToken = (url, tile) => tile.setLoader((extent, resolution, projection) =>
    fetch(url, { headers: { Authorization: `Bearer ${options.accessToken}` } })
      .then(r => (r.status === 200 ? r.arrayBuffer() : null))
      .then(data => tile.setFeatures(data ? tile.getFormat().readFeatures(data, { extent, featureProjection: projection }) : []))
      .catch(() => tile.setState(3)));
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
  const incidents = options.incidents && options.accessToken ? new ol.layer.VectorTile({
    source: new ol.source.VectorTile({
      format: new ol.format.MVT(), url: `${tiles}/tiles/incidents/{z}/{x}/{y}.mvt`, minZoom: 5, maxZoom: 18,
      tileLoadFunction: (tile, url) => withToken(url, tile),
    }),
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
  const layers = { admin, grids, png, buildings, incidents, live, heatmap, replay };

  const extent = ol.proj.transformExtent(options.extent, "EPSG:4326", "EPSG:3857");
  const map = new ol.Map({
    target: element,
    layers: [png, grids, admin, ...(buildings ? [buildings] : []), highlight, vacantPoints, ...(incidents ? [incidents] : []), heatmap, live, replay],
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
    refreshGrids() { grids.getSource().refresh(); png.getSource().refresh(); },
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
    setHeatmap(on) { heatmap.setVisible(on); live.setVisible(!on && !replay.getVisible()); },
    refreshIncidents() { incidents?.getSource().refresh(); },
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
