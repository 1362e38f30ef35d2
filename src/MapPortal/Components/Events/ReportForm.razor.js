// The offline report queue of the report and hotline forms. A report is first written to IndexedDB with its own
// idempotency key, then sent by plain fetch to the portal's relay (/portal-api), retried with the same key until the
// server acknowledges it; GeoApi answers a repeated key with the first event, so a retry never makes a second one.
// It works without the Blazor circuit: the form's submit is handled here, and queued reports go out on `online`.
// What a report must contain, who may send it and what it routes to is decided in .NET and GeoApi, not here.

const DB_NAME = "gridmap-reports", STORE = "queue", RELAY = "/portal-api";
const KEEP_SENT_MS = 3 * 24 * 3600 * 1000;
const FIRST_RETRY_MS = 2000, LAST_RETRY_MS = 60000;

let current = null;          // { form, list, count, options }
let flushing = false, again = false, retryTimer = null, retryDelay = FIRST_RETRY_MS, antiforgery = null;

let database = null;
function open() {
  return database ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "key" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}
async function run(mode, operation) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const request = operation(db.transaction(STORE, mode).objectStore(STORE));
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}
const all = () => run("readonly", s => s.getAll());
const put = item => run("readwrite", s => s.put(item));
const remove = key => run("readwrite", s => s.delete(key));

function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  // randomUUID needs a secure context; a phone on the plain-HTTP intranet still has getRandomValues.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map(x => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// Shrinks a photo to the longest side and quality .NET asks for (phones take 12 MP pictures, the API takes 5 MB).
async function shrink(file, maxSide, quality) {
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
    const canvas = new OffscreenCanvas(Math.max(1, Math.round(bitmap.width * scale)), Math.max(1, Math.round(bitmap.height * scale)));
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    return await canvas.convertToBlob({ type: "image/jpeg", quality });
  } catch {
    return null;
  }
}

async function onSubmit(event) {
  event.preventDefault();
  const { form, options } = current;
  if (!form.reportValidity()) return;
  const data = new FormData(form);
  const body = {};
  for (const [name, value] of data.entries()) {
    if (typeof value !== "string" || value.trim() === "") continue;
    body[name] = name === "lon" || name === "lat" ? Number(value) : value.trim();
  }
  const key = newKey();
  body.idempotencyKey = key;
  const file = form.querySelector("input[type=file]")?.files?.[0];
  const photo = file ? await shrink(file, options.photoMaxSide, options.photoQuality) : null;
  const select = form.querySelector("select[name=category]");
  const title = `${select?.selectedOptions[0]?.textContent ?? body.category} · ${(body.description ?? "").slice(0, 40)}`;
  await put({ key, user: options.user, body, photo, title, status: "queued", created: Date.now() });
  for (const field of form.querySelectorAll("textarea, input[type=file], input[data-clear]")) field.value = "";
  await render();
  flush();
}

async function relay(path, body, type) {
  for (let attempt = 0; attempt < 2; attempt++) {
    antiforgery ??= await fetch(`${RELAY}/antiforgery`, { credentials: "same-origin", cache: "no-store" })
      .then(r => (r.ok ? r.json() : null));
    const headers = { "Content-Type": type };
    if (antiforgery) headers[antiforgery.header] = antiforgery.token;
    const response = await fetch(RELAY + path, { method: "POST", body, headers, credentials: "same-origin" });
    if (response.status !== 400) return response;
    const problem = await response.clone().json().catch(() => null);
    if (!problem?.antiforgery) return response;
    antiforgery = null; // stale after a new sign-in: fetch a fresh one and try once more
  }
}

async function problemOf(response) {
  const problem = await response.json().catch(() => null);
  return problem?.detail ?? problem?.title ?? `HTTP ${response.status}`;
}

const retryable = status => status === 408 || status === 429 || status >= 500;

// Sends one item; returns "ok", "retry" (network or server trouble: keep it, try later) or "stop" (signed out).
async function send(item) {
  const { labels } = current.options;
  item.status = "sending";
  await put(item);
  await render();
  try {
    if (!item.eventId) {
      const response = await relay("/reports", JSON.stringify(item.body), "application/json");
      if (response.status === 200 || response.status === 201) {
        const card = await response.json();
        item.eventId = card.id;
        item.trackingNo = card.trackingNo;
      } else if (response.status === 401) {
        Object.assign(item, { status: "queued", error: labels.signIn });
        await put(item);
        return "stop";
      } else if (retryable(response.status)) {
        Object.assign(item, { status: "queued", error: await problemOf(response) });
        await put(item);
        return "retry";
      } else {
        Object.assign(item, { status: "failed", error: await problemOf(response) });
        await put(item);
        return "ok";
      }
    }
    if (item.photo && !item.photoSent) {
      const response = await relay(`/events/${item.eventId}/photos`, item.photo, item.photo.type || "image/jpeg");
      if (retryable(response.status)) {
        Object.assign(item, { status: "queued", error: await problemOf(response) });
        await put(item);
        return "retry";
      }
      item.photoSent = true;
      item.photoError = response.ok ? null : await problemOf(response);
    }
    Object.assign(item, { status: "sent", error: null, sentAt: Date.now() });
    await put(item);
    return "ok";
  } catch {
    // fetch rejects only when the request never got an answer: offline, or the server is unreachable.
    Object.assign(item, { status: "queued", error: labels.offline });
    await put(item);
    return "retry";
  }
}

export async function flush() {
  if (!current) return;
  if (flushing) { again = true; return; }
  flushing = true;
  clearTimeout(retryTimer);
  let outcome = "ok";
  try {
    do {
      again = false;
      const items = (await all()).filter(i => i.user === current.options.user && i.status !== "sent" && i.status !== "failed")
        .sort((a, b) => a.created - b.created);
      for (const item of items) {
        if (!navigator.onLine) { outcome = "retry"; break; }
        outcome = await send(item);
        if (outcome !== "ok") break;
      }
    } while (again && outcome === "ok");
  } finally {
    flushing = false;
    await render();
  }
  if (outcome === "retry") {
    retryTimer = setTimeout(flush, retryDelay);
    retryDelay = Math.min(retryDelay * 2, LAST_RETRY_MS);
  } else {
    retryDelay = FIRST_RETRY_MS;
  }
}

async function render() {
  if (!current) return;
  const { list, count, options: { labels, user } } = current;
  const items = (await all()).filter(i => i.user === user).sort((a, b) => b.created - a.created).slice(0, 20);
  const waiting = items.filter(i => i.status === "queued" || i.status === "sending").length;
  count.textContent = String(waiting);
  count.dataset.count = String(waiting);
  const rows = items.map(item => {
    const li = document.createElement("li");
    li.dataset.testid = "queue-item";
    li.dataset.key = item.key;
    li.dataset.status = item.status;
    li.className = `queue-item ${item.status}`;
    const title = document.createElement("span");
    title.className = "title";
    title.textContent = item.title;
    const status = document.createElement("span");
    status.className = "status";
    status.dataset.testid = "queue-status";
    status.textContent = labels[item.status];
    li.append(title, status);
    if (item.status === "sent") {
      const link = document.createElement("a");
      link.href = `/events/${item.eventId}`;
      link.dataset.testid = "queue-tracking";
      link.textContent = `${labels.trackingNo} ${item.trackingNo}`;
      li.append(link);
    }
    const note = item.error ?? item.photoError;
    if (note) {
      const p = document.createElement("span");
      p.className = "note";
      p.textContent = note;
      li.append(p);
    }
    if (item.status === "failed") {
      const discard = document.createElement("button");
      discard.type = "button";
      discard.textContent = labels.discard;
      discard.addEventListener("click", async () => { await remove(item.key); await render(); });
      li.append(discard);
    }
    return li;
  });
  list.replaceChildren(...rows);
}

const onOnline = () => flush();

/// Takes over the form's submit and draws the queue into `list` and `count`; sends whatever this user left queued.
export async function attach(form, list, count, options) {
  detach();
  current = { form, list, count, options };
  form.addEventListener("submit", onSubmit);
  window.addEventListener("online", onOnline);
  for (const item of await all()) {
    if (item.status === "sending") await put({ ...item, status: "queued" }); // the tab closed mid-send
    else if (item.status === "sent" && Date.now() - (item.sentAt ?? item.created) > KEEP_SENT_MS) await remove(item.key);
  }
  await render();
  flush();
}

export function detach() {
  if (!current) return;
  current.form.removeEventListener("submit", onSubmit);
  window.removeEventListener("online", onOnline);
  clearTimeout(retryTimer);
  current = null;
}
