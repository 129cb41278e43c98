// The device's copy of a meeting, in IndexedDB: every change is written at once, so a
// reload, a browser restart or a flat battery loses nothing typed.
const DB_NAME = "scorecard-meetings";
const VERSION = 1;

let opened = null;

export function db() {
  if (!opened) {
    opened = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, VERSION);
      req.onupgradeneeded = () => {
        const d = req.result;
        d.createObjectStore("bundles", { keyPath: "meeting.uuid" });
        const recs = d.createObjectStore("records", { keyPath: "uuid" });
        recs.createIndex("meeting", "meeting");
        d.createObjectStore("drafts");
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }
  return opened;
}

async function run(store, mode, fn) {
  const d = await db();
  return new Promise((resolve, reject) => {
    const tx = d.transaction(store, mode);
    let result;
    Promise.resolve(fn(tx.objectStore(store))).then((r) => { result = r; });
    tx.oncomplete = () => resolve(result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export const getBundle = (uuid) => run("bundles", "readonly", (s) => request(s.get(uuid)));
export const putBundle = (bundle) => run("bundles", "readwrite", (s) => { s.put(bundle); });

export const getDraft = (key) => run("drafts", "readonly", (s) => request(s.get(key)));
export const putDraft = (key, value) => run("drafts", "readwrite", (s) => { s.put(value, key); });

export function records(meeting) {
  return run("records", "readonly", (s) => request(s.index("meeting").getAll(meeting)));
}

export function putRecords(list) {
  return run("records", "readwrite", (s) => { list.forEach((r) => s.put(r)); });
}

export function newUuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
