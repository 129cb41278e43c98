// The meeting app: loads the meeting onto the device, keeps it in IndexedDB, and syncs
// the records made here when the network is there. Screens are drawn by steps.js.
import * as store from "./store.js";
import { render } from "./steps.js";

const root = document.getElementById("meeting-app");
const T = JSON.parse(document.getElementById("meeting-labels").textContent);
const uuid = root.dataset.meeting;
const CACHE = "scorecard-meeting-v1";

export const state = { bundle: null, records: new Map(), conflicts: [], syncing: false, login: false, T };

export function list(kind) {
  return [...state.records.values()].filter((r) => r.kind === kind && !r.data.deleted);
}

export async function draft(key, value) {
  if (value === undefined) return store.getDraft(`${uuid}:${key}`);
  return store.putDraft(`${uuid}:${key}`, value);
}

// One change made on this device: stored at once, then sent with the next sync.
export async function save(kind, id, data, redraw = true) {
  const old = state.records.get(id);
  const rec = { uuid: id, meeting: uuid, kind, rev: old ? old.rev : 0, data, dirty: true,
    edit: (old?.edit || 0) + 1 };
  state.records.set(id, rec);
  await store.putRecords([rec]);
  if (redraw) refresh(); else showStatus();
  scheduleSync();
  return rec;
}

export function refresh() {
  render(state, root);
  showStatus();
}

function showStatus() {
  const el = document.getElementById("sync-status");
  const dirty = [...state.records.values()].filter((r) => r.dirty).length;
  const online = navigator.onLine;
  el.dataset.online = online ? "yes" : "no";
  el.dataset.pending = String(dirty);
  let text = online ? T.online : T.offline;
  text += " · " + (dirty ? T.pending.replace("%(n)s", dirty) : T.all_synced);
  if (state.conflicts.length) text += " · " + T.conflicts.replace("%(n)s", state.conflicts.length);
  el.textContent = text;
  // the session is gone (a flat battery can take the browser's cookies with it): the
  // records wait on the device until the facilitator logs in again
  el.dataset.login = state.login ? "needed" : "no";
  if (state.login) {
    const link = document.createElement("a");
    link.id = "sync-login";
    link.href = root.dataset.login || root.dataset.detail; // a shell stored before this link
    link.textContent = T.login;
    el.append(" · ", link);
  }
}

let timer = null;
function scheduleSync() {
  clearTimeout(timer);
  timer = setTimeout(() => sync().catch(() => showStatus()), 800);
}

// Merge the server's records: a record changed here and not yet synced stays as it is.
async function adopt(serverRecords) {
  const changed = [];
  for (const s of serverRecords) {
    const local = state.records.get(s.uuid);
    if (local && local.dirty) continue;
    const rec = { uuid: s.uuid, meeting: uuid, kind: s.kind, rev: s.rev, data: s.data,
      dirty: false, edit: local?.edit || 0 };
    state.records.set(s.uuid, rec);
    changed.push(rec);
  }
  await store.putRecords(changed);
}

export async function sync() {
  if (!navigator.onLine || state.syncing) return;
  const dirty = [...state.records.values()].filter((r) => r.dirty);
  if (!dirty.length) return;
  state.syncing = true;
  try {
    const url = root.dataset.sync;
    const hello = await fetch(url, { credentials: "same-origin", cache: "no-store" });
    state.login = hello.redirected;
    if (!hello.ok || hello.redirected) throw new Error("login");
    const { csrf } = await hello.json();
    const sent = dirty.map((r) => ({ kind: r.kind, uuid: r.uuid, base: r.rev, data: r.data,
      edit: r.edit }));
    const resp = await fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ records: sent.map(({ edit, ...r }) => r) }),
    });
    const answer = await resp.json();
    if (!resp.ok) { state.conflicts.push({ reason: answer.error || resp.status }); return; }
    const edits = new Map(sent.map((r) => [r.uuid, r.edit]));
    const updated = [];
    for (const res of answer.results) {
      const rec = state.records.get(res.uuid);
      if (!rec) continue;
      if (res.status === "conflict" || res.status === "rejected") {
        state.conflicts.push(res);
        if (res.server) rec.data = res.server;
        rec.rev = res.rev ?? rec.rev;
        rec.dirty = false;
        rec.refused = res.reason;
      } else {
        rec.rev = res.rev;
        // a change typed while the sync was on its way is sent next time
        rec.dirty = rec.edit !== edits.get(res.uuid);
      }
      updated.push(rec);
    }
    await store.putRecords(updated);
  } finally {
    state.syncing = false;
    refresh();
  }
}

async function cacheForOffline(bundle) {
  if (!("caches" in window)) return;
  const cache = await caches.open(CACHE);
  await Promise.all(bundle.cache.map((u) => cache.add(u).catch(() => null)));
}

async function load() {
  let bundle = await store.getBundle(uuid);
  for (const r of await store.records(uuid)) state.records.set(r.uuid, r);
  if (navigator.onLine) {
    try {
      const resp = await fetch(root.dataset.bundle, { credentials: "same-origin" });
      state.login = resp.redirected;
      if (resp.ok && !resp.redirected) {
        bundle = await resp.json();
        await store.putBundle(bundle);
        await adopt(bundle.records);
        await cacheForOffline(bundle);
      }
    } catch (e) { /* offline: the stored copy serves */ }
  }
  if (!bundle) {
    root.querySelector("[data-step-body]").textContent = T.not_stored;
    return;
  }
  state.bundle = bundle;
  state.step = (await draft("step")) || "setup";
  root.dataset.ready = "yes";
  refresh();
  scheduleSync();
}

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register(root.dataset.sw, { scope: root.dataset.scope }).catch(() => null);
}
window.addEventListener("online", () => { showStatus(); scheduleSync(); });
window.addEventListener("offline", showStatus);
document.getElementById("sync-now").addEventListener("click", () => sync().catch(showStatus));
setInterval(() => sync().catch(() => null), 20000);
load();
