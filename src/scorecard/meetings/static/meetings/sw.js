// The meeting pages' service worker (served from /meetings/sw.js, scope /meetings/).
// Pages and data: the network first, the stored copy when there is no network.
// Static files, pictures and audio: the stored copy first (they do not change).
const CACHE = "scorecard-meeting-v1";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

function fromNetwork(request) {
  return fetch(request).then((response) => {
    if (response.ok && request.method === "GET" && !response.redirected) {
      const copy = response.clone();
      caches.open(CACHE).then((cache) => cache.put(request, copy));
    }
    return response;
  });
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.endsWith("/sync/")) return; // always live
  const stable = url.pathname.startsWith("/static/") || url.pathname.includes("/media/");
  if (stable) {
    event.respondWith(
      caches.match(request, { ignoreVary: true }).then((hit) => hit || fromNetwork(request))
    );
    return;
  }
  event.respondWith(
    fromNetwork(request).catch(() =>
      caches.match(request, { ignoreSearch: true, ignoreVary: true }).then(
        (hit) => hit || new Response("offline", { status: 503, statusText: "offline" })
      )
    )
  );
});
