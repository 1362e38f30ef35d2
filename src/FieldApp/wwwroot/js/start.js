// The later start, in plain JavaScript. On a phone that already holds a grid, the PIN prompt and then the own grid's
// map come from here — IndexedDB, WebCrypto and OpenLayers need no .NET runtime — and Blazor boots behind the map.
// Blazor asks `quickStart()` how the PIN step ended, loads the vault the PIN opened (field.js is one module: the data
// key unwrapped here is the one Blazor uses) and calls `dismiss()` once its own pages are drawn. A first sign-in (no
// vault on the phone) is Blazor's from the start.
import * as device from "./field.js";
import * as fieldMap from "./field-map.js";

const SEVEN_DAYS_MS = 7 * 24 * 3600 * 1000; // Outbox.Expired in GridMap.Domain.Field: no map after a week unsynced

let finish;
const outcome = new Promise(resolve => finish = resolve);
let overlay = null;
let pendingBuilding = null;
let blazorStarted = false;

function startBlazor() {
  if (!blazorStarted) {
    blazorStarted = true;
    Blazor.start();
  }
}

function element(tag, attributes, ...children) {
  const e = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {}))
    e.setAttribute(name, value);
  e.append(...children);
  return e;
}

function header(gridName) {
  return element("header", { class: "bar" }, element("span", { class: "brand" }, "网格员"),
    element("span", { class: "grid-name" }, gridName ?? ""),
    element("span", { class: `net ${navigator.onLine ? "on" : "off"}` }, navigator.onLine ? "在线" : "离线"));
}

function showPin(state) {
  const pin = element("input", { type: "password", inputmode: "numeric", autocomplete: "off", maxlength: "8", placeholder: "PIN", "data-testid": "pin" });
  const unlock = element("button", { class: "primary", type: "submit", "data-testid": "unlock" }, "解锁");
  const form = element("form", {}, pin, unlock);
  const error = element("p", { class: "error", "data-testid": "error", hidden: "" });
  const other = element("button", { class: "link", type: "button" }, "换个账号登录");
  const card = element("section", { class: "card signin" }, element("h2", {}, "输入 PIN"),
    element("p", {}, `${state.account} 的离线数据已加密保存在本机。`), form, error, other);
  if (state.pinFailures > 0) {
    error.hidden = false;
    error.textContent = `PIN 已错 ${state.pinFailures} 次；连续错 5 次将清除本机数据。`;
  }
  overlay.replaceChildren(header(), element("main", {}, card));
  pin.focus();

  form.addEventListener("submit", async event => {
    event.preventDefault();
    unlock.disabled = true;
    const result = await device.unlock(pin.value);
    pin.value = "";
    unlock.disabled = false;
    if (result.ok)
      return showMap();
    if (result.wiped)
      return end("wiped");
    error.hidden = false;
    error.textContent = `PIN 不正确（第 ${result.failures} 次）；连续错 5 次将清除本机数据。`;
  });
  other.addEventListener("click", () => end("password"));
}

async function showMap() {
  const state = await device.deviceState();
  const bundleJson = await device.getSecret("bundle");
  if (!bundleJson || !state.lastSync || Date.now() - Date.parse(state.lastSync) > SEVEN_DAYS_MS)
    return end("unlocked", true);
  const bundle = JSON.parse(bundleJson);
  const map = element("div", { class: "map", "data-testid": "quick-map" });
  overlay.replaceChildren(header(bundle.grid?.name),
    element("main", {}, map, element("p", { class: "muted", "data-testid": "quick-note" }, "地图已就绪，正在准备操作…")));
  // Blazor takes over once this map is drawn: until then the map has the main thread's first claim.
  await fieldMap.create(map, JSON.stringify(fieldMap.drawing(bundle, JSON.parse(await device.getSecret("token") ?? "null"))), { invokeMethodAsync: (_, lon, lat, code) => { pendingBuilding = code ?? pendingBuilding; } });
  end("unlocked");
}

function end(how, remove) {
  if (how !== "unlocked" || remove)
    dismiss();
  finish(how);
  startBlazor();
}

/** How the PIN step of this start ended: "none" (no vault: Blazor's sign-in), "unlocked", "wiped" or "password". */
export function quickStart() {
  return outcome;
}

/** Blazor's pages are drawn: the quick map goes. Returns the building the manager tapped on it meanwhile, if any. */
export function dismiss() {
  if (overlay) {
    fieldMap.dispose(overlay.querySelector("[data-testid=quick-map]"));
    overlay.remove();
    overlay = null;
  }
  const tapped = pendingBuilding;
  pendingBuilding = null;
  return tapped;
}

async function main() {
  let state = null;
  try {
    state = await device.deviceState();
  } catch {
    // No IndexedDB (a private window): Blazor's sign-in says what works.
  }
  if (!state?.hasKey) {
    finish("none");
    startBlazor();
    return;
  }
  overlay = element("div", { id: "quick", class: "quick" });
  document.body.append(overlay);
  showPin(state);
  // Blazor boots once the PIN step is over: booting it meanwhile would take the main thread from the map the manager
  // waits for (measured: `./bench.sh field`, README).
}

main();
