// The field app's device side: IndexedDB storage encrypted with WebCrypto, the position, the patrol track, photos.
//
// Keys: a random AES-GCM data key encrypts every stored value (the grid bundle, the token, the queue). The data key
// itself is stored only wrapped (AES-GCM) by a key derived from the manager's PIN (PBKDF2-SHA-256), so reopening
// the app asks for the PIN; the unwrapped key lives in this module's memory until the app locks or closes.
// Five wrong PINs in a row delete the database. Metadata (account name, salt, counters, times) is stored in clear.

const DB_NAME = "gridmap-field";
const PBKDF2_ITERATIONS = 310000;
let dataKey = null;
let dbPromise = null;
let wipes = 0; // a tile download that outlives a wipe stores nothing more

function openDb() {
  dbPromise ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore("meta");
      db.createObjectStore("vault");
      db.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  return dbPromise;
}

async function tx(store, mode, work) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const t = db.transaction(store, mode);
    const result = work(t.objectStore(store));
    t.oncomplete = () => resolve(result instanceof IDBRequest ? result.result : result);
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error ?? new Error("aborted"));
  });
}

const getMetaRaw = name => tx("meta", "readonly", s => s.get(name));
const setMetaRaw = (name, value) => tx("meta", "readwrite", s => s.put(value, name));

export async function getMeta(name) {
  const value = await getMetaRaw(name);
  return value === undefined ? null : JSON.stringify(value);
}

export async function setMeta(name, json) {
  await setMetaRaw(name, JSON.parse(json));
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function pinKey(pin, salt) {
  const material = await crypto.subtle.importKey("raw", encoder.encode(pin), "PBKDF2", false, ["deriveKey"]);
  return crypto.subtle.deriveKey({ name: "PBKDF2", hash: "SHA-256", salt, iterations: PBKDF2_ITERATIONS }, material,
    { name: "AES-GCM", length: 256 }, false, ["wrapKey", "unwrapKey"]);
}

/** What the device holds: the account it belongs to, wrong PINs so far, the last successful sync; nothing secret. */
export async function deviceState() {
  const [account, failures, lastSync, wrapped, tiles] = await Promise.all(
    ["account", "pinFailures", "lastSync", "wrappedKey", "tiles"].map(getMetaRaw));
  return { account: account ?? null, pinFailures: failures ?? 0, lastSync: lastSync ?? null, hasKey: !!wrapped, unlocked: !!dataKey,
    tiles: tiles ?? null };
}

/** A new device vault for an account: everything before is deleted, a new data key is wrapped by the PIN. */
export async function setup(account, pin) {
  await wipe();
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, true, ["encrypt", "decrypt"]);
  const wrapped = await crypto.subtle.wrapKey("raw", key, await pinKey(pin, salt), { name: "AES-GCM", iv });
  await setMetaRaw("wrappedKey", { salt, iv, wrapped: new Uint8Array(wrapped) });
  await setMetaRaw("account", account);
  await setMetaRaw("pinFailures", 0);
  dataKey = await crypto.subtle.importKey("raw", await crypto.subtle.exportKey("raw", key), "AES-GCM", false, ["encrypt", "decrypt"]);
}

/** Unwraps the data key with a PIN; the fifth wrong PIN in a row wipes the device. */
export async function unlock(pin) {
  const stored = await getMetaRaw("wrappedKey");
  if (!stored)
    return { ok: false, wiped: true, failures: 0 };
  try {
    dataKey = await crypto.subtle.unwrapKey("raw", stored.wrapped, await pinKey(pin, stored.salt), { name: "AES-GCM", iv: stored.iv },
      "AES-GCM", false, ["encrypt", "decrypt"]);
    await setMetaRaw("pinFailures", 0);
    return { ok: true, wiped: false, failures: 0 };
  } catch {
    const failures = ((await getMetaRaw("pinFailures")) ?? 0) + 1;
    if (failures >= 5) {
      await wipe();
      return { ok: false, wiped: true, failures };
    }
    await setMetaRaw("pinFailures", failures);
    return { ok: false, wiped: false, failures };
  }
}

export function lock() {
  dataKey = null;
}

/** Deletes everything the app stored on the device: the database and the cached map tiles (the app shell stays). */
export async function wipe() {
  dataKey = null;
  wipes++;
  if (dbPromise) {
    (await dbPromise).close();
    dbPromise = null;
  }
  await new Promise(resolve => {
    const request = indexedDB.deleteDatabase(DB_NAME);
    request.onsuccess = request.onerror = request.onblocked = () => resolve();
  });
  for (const name of await caches.keys())
    if (name.startsWith("gridmap-field-tiles"))
      await caches.delete(name);
}

async function seal(json) {
  if (!dataKey)
    throw new Error("locked");
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, dataKey, encoder.encode(json));
  return { iv, data: new Uint8Array(data) };
}

async function open(sealed) {
  if (!dataKey)
    throw new Error("locked");
  return decoder.decode(await crypto.subtle.decrypt({ name: "AES-GCM", iv: sealed.iv }, dataKey, sealed.data));
}

export async function putSecret(name, json) {
  const sealed = await seal(json);
  await tx("vault", "readwrite", s => s.put(sealed, name));
}

export async function getSecret(name) {
  const sealed = await tx("vault", "readonly", s => s.get(name));
  return sealed ? open(sealed) : null;
}

export async function deleteSecret(name) {
  await tx("vault", "readwrite", s => s.delete(name));
}

/** Appends an action to the queue (encrypted); returns its position. */
export async function outboxAdd(json) {
  const sealed = await seal(json);
  return tx("outbox", "readwrite", s => s.add(sealed));
}

export async function outboxPut(seq, json) {
  const sealed = await seal(json);
  sealed.seq = seq;
  await tx("outbox", "readwrite", s => s.put(sealed));
}

export async function outboxDelete(seq) {
  await tx("outbox", "readwrite", s => s.delete(seq));
}

/** Every queued action in order, decrypted, each with its position as "seq". */
export async function outboxAll() {
  const rows = await tx("outbox", "readonly", s => s.getAll());
  const items = [];
  for (const row of rows) {
    const item = JSON.parse(await open(row));
    item.seq = row.seq;
    items.push(item);
  }
  return JSON.stringify(items);
}

/** Whether the stored data is readable in clear anywhere (used by the tests: it must not be). */
export async function rawDump() {
  const rows = [...await tx("vault", "readonly", s => s.getAll()), ...await tx("outbox", "readonly", s => s.getAll())];
  return rows.map(r => decoder.decode(r.data)).join("\n");
}

// ---- the own grid's map tiles, kept for airplane mode (the service worker answers them from this cache) ----

const TILES = "gridmap-field-tiles";

function bounds(geometry) {
  const box = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = c => {
    if (typeof c[0] === "number") {
      box[0] = Math.min(box[0], c[0]); box[1] = Math.min(box[1], c[1]);
      box[2] = Math.max(box[2], c[0]); box[3] = Math.max(box[3], c[1]);
    } else
      c.forEach(walk);
  };
  walk(geometry.coordinates);
  return box;
}

function tileOf(lon, lat, z) {
  const n = 2 ** z, rad = lat * Math.PI / 180;
  return [Math.floor((lon + 180) / 360 * n), Math.floor((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2 * n)];
}

/** The tile URLs covering a grid's outline, every layer from its first to its last zoom. */
export function tileUrls(spec, outline) {
  const [west, south, east, north] = bounds(outline);
  const urls = [];
  for (const layer of spec.layers)
    for (let z = layer.minZoom; z <= layer.maxZoom; z++) {
      const [x0, y0] = tileOf(west, north, z), [x1, y1] = tileOf(east, south, z);
      for (let x = x0; x <= x1; x++)
        for (let y = y0; y <= y1; y++)
          urls.push(`${spec.url}/tiles/${layer.name}/${z}/${x}/${y}.mvt`);
    }
  return urls;
}

/**
 * Fetches the own grid's tiles (the account's buildings need its token) into the tile cache, four at a time, and
 * drops tiles of an earlier grid. A tile that still fails keeps its earlier copy. Returns { stored, failed, of }.
 */
export async function cacheTiles(specJson, outlineJson, token) {
  const urls = tileUrls(JSON.parse(specJson), JSON.parse(outlineJson));
  // Every sync downloads the bundle again; the tiles only when the grid's tiles changed, some are missing, or a day passed.
  const signature = `${urls.length} ${urls[0]} ${urls[urls.length - 1]}`;
  const kept = await getMetaRaw("tiles");
  if (kept && kept.signature === signature && kept.failed === 0 && Date.now() - Date.parse(kept.at) < 86400000)
    return { stored: kept.stored, failed: kept.failed, of: kept.of };
  const cache = await caches.open(TILES);
  const generation = wipes;
  let stored = 0, pending = urls;
  // A tile that fails (a dropped connection, a tiling service still starting) is tried again twice, a second apart.
  for (let pass = 0; pass < 3 && pending.length > 0 && generation === wipes; pass++) {
    if (pass > 0)
      await new Promise(resolve => setTimeout(resolve, 1000));
    const failedUrls = [];
    let next = 0;
    const worker = async () => {
      while (next < pending.length && generation === wipes) {
        const url = pending[next++];
        try {
          const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` }, cache: "no-cache" });
          if (!response.ok)
            throw new Error(String(response.status));
          await cache.put(url, response);
          stored++;
        } catch {
          failedUrls.push(url);
        }
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    pending = failedUrls;
  }
  const failed = pending.length;
  if (generation !== wipes)
    return { stored: 0, failed: 0, of: 0 };
  const wanted = new Set(urls);
  for (const request of await cache.keys())
    if (!wanted.has(request.url))
      await cache.delete(request);
  const state = { stored, failed, of: urls.length };
  await setMetaRaw("tiles", { ...state, signature, at: new Date().toISOString() });
  return state;
}

// ---- position ----

export function position(timeoutMs) {
  return new Promise(resolve => {
    if (!navigator.geolocation)
      return resolve(null);
    navigator.geolocation.getCurrentPosition(
      p => resolve({ lon: p.coords.longitude, lat: p.coords.latitude, accuracy: p.coords.accuracy }),
      () => resolve(null),
      { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: 10000 });
  });
}

// ---- the patrol track: a point when the phone moved 20 m, or every 30 s standing still ----

let watch = null;
let timer = null;
let track = [];
let last = null;

function metres(a, b) {
  const rad = Math.PI / 180, dLat = (b[1] - a[1]) * rad, dLon = (b[0] - a[0]) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.sqrt(h));
}

function record(point, force, listener) {
  const previous = track[track.length - 1];
  if (!force && previous && metres(previous, point) < 20 && point[2] - previous[2] < 30000)
    return;
  track.push(point);
  listener?.invokeMethodAsync("OnTrackPoint", point[0], point[1], track.length);
}

export function startTrack(listener, resumed) {
  stopTrack();
  track = resumed ? JSON.parse(resumed) : [];
  if (!navigator.geolocation)
    return false;
  watch = navigator.geolocation.watchPosition(p => {
    last = [p.coords.longitude, p.coords.latitude, Date.now()];
    record(last, false, listener);
  }, () => { }, { enableHighAccuracy: true, maximumAge: 0 });
  timer = setInterval(() => {
    if (last)
      record([last[0], last[1], Date.now()], true, listener);
  }, 30000);
  return true;
}

/** Adds the latest position now (a check-in, or a test step). */
export function markTrack(lon, lat, listener) {
  last = [lon, lat, Date.now()];
  record(last, false, listener);
}

export function trackJson() {
  return JSON.stringify(track);
}

export function stopTrack() {
  if (watch !== null)
    navigator.geolocation.clearWatch(watch);
  if (timer !== null)
    clearInterval(timer);
  watch = timer = null;
  last = null;
  return JSON.stringify(track);
}

// ---- photos: read from a file input, shrunk to at most 1600 px on the long side as JPEG ----

export async function readPhotos(input) {
  const photos = [];
  for (const file of input.files ?? []) {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, 1600 / Math.max(bitmap.width, bitmap.height));
    const canvas = new OffscreenCanvas(Math.round(bitmap.width * scale), Math.round(bitmap.height * scale));
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    const blob = await canvas.convertToBlob({ type: "image/jpeg", quality: 0.8 });
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let binary = "";
    for (let i = 0; i < bytes.length; i += 0x8000)
      binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    photos.push({ type: "image/jpeg", data: btoa(binary) });
  }
  input.value = "";
  return JSON.stringify(photos);
}

// ---- connection ----

export function online() {
  return navigator.onLine;
}

export function watchConnection(listener) {
  const tell = () => listener.invokeMethodAsync("OnConnectionChanged", navigator.onLine);
  addEventListener("online", tell);
  addEventListener("offline", tell);
}

/** Registers the service worker and, once it controls the page, hands it every file this start loaded. */
export async function installShell() {
  if (!("serviceWorker" in navigator))
    return false;
  const registration = await navigator.serviceWorker.register("service-worker.js", { scope: "./", updateViaCache: "none" });
  await navigator.serviceWorker.ready;
  const cache = await caches.open("gridmap-field-shell");
  // Once the worker controlled a start it has cached what that start loaded; only the first start is copied here.
  if (navigator.serviceWorker.controller && await cache.match(document.baseURI))
    return true;
  const files = performance.getEntriesByType("resource").map(e => e.name)
    .filter(url => url.startsWith(document.baseURI) || url.startsWith(location.origin + "/_content/"));
  await Promise.all([document.baseURI, ...files].map(async url => {
    try {
      const response = await fetch(url, { cache: "no-cache" });
      if (response.ok)
        await cache.put(url, response);
    } catch { /* offline: the worker caches what it serves */ }
  }));
  return !!registration;
}
