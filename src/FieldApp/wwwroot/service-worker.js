// The field app's service worker. The app shell (index.html, the runtime, the app's files, OpenLayers) is served
// from the network when it answers within 4 s — so a new version installs on the next start — and from the cache
// otherwise; fingerprinted runtime files never change, so they come from the cache first. Map tiles of the own grid
// (cached by the app after sign-in) come from the cache first. The API is never cached here: the app keeps its data
// in IndexedDB, encrypted.
const SHELL = "gridmap-field-shell";
const TILES = "gridmap-field-tiles";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", event => event.waitUntil(self.clients.claim()));

const fingerprinted = url => /\/_framework\/.+\.[a-z0-9]{8,}\.(wasm|js|dat|pdb|json)$/i.test(url.pathname);

async function networkFirst(request, key) {
  const cache = await caches.open(SHELL);
  try {
    const response = await Promise.race([
      fetch(request),
      new Promise((_, reject) => setTimeout(() => reject(new Error("slow")), 4000)),
    ]);
    if (response.ok && request.method === "GET")
      await cache.put(key, response.clone());
    return response;
  } catch (e) {
    const cached = await cache.match(key, { ignoreSearch: true });
    if (cached)
      return cached;
    throw e;
  }
}

async function cacheFirst(request, name) {
  const cache = await caches.open(name);
  const cached = await cache.match(request);
  if (cached)
    return cached;
  const response = await fetch(request);
  if (response.ok)
    await cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", event => {
  const request = event.request;
  if (request.method !== "GET")
    return;
  const url = new URL(request.url);
  const base = new URL(self.registration.scope);
  // The app, and the shared class library's files (OpenLayers) that the host serves at its root.
  if (url.origin === base.origin && (url.pathname.startsWith(base.pathname) || url.pathname.startsWith("/_content/"))) {
    if (request.mode === "navigate")
      event.respondWith(networkFirst(request, base.href));
    else if (fingerprinted(url))
      event.respondWith(cacheFirst(request, SHELL));
    else
      event.respondWith(networkFirst(request, request.url));
    return;
  }
  if (/\/tiles\/(grids|buildings)\/\d+\/\d+\/\d+\.mvt$/.test(url.pathname))
    event.respondWith(caches.open(TILES).then(c => c.match(request, { ignoreVary: true })).then(hit => hit ?? fetch(request)));
});
