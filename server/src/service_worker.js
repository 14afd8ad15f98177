// Comptoir's service worker, rendered by the server for the build it serves (server/src/assets.rs).
// It keeps only public files: the app's script, WebAssembly and stylesheet, the icons, the manifest,
// the page shown offline and the till's page, fetched without the session so it holds no one's
// data (the till draws itself from the device's own store). Other pages and server functions
// hold clients' files and are never kept: a shared till tablet must show nothing of them once
// its user has logged out.
const CACHE = "__CACHE_NAME__";
const PRECACHE = __PRECACHE__;
const PKG = "__PKG_PREFIX__";
const OFFLINE_PAGE = "/offline.html";
const TILL_PAGE = "__TILL_PAGE__";

function isPublicFile(url) {
  return url.origin === self.location.origin
    && (url.pathname.startsWith(PKG) || url.pathname.startsWith("/icons/")
      || PRECACHE.includes(url.pathname) || url.pathname === TILL_PAGE);
}

async function precache() {
  const cache = await caches.open(CACHE);
  await cache.addAll(PRECACHE);
  const till = await fetch(TILL_PAGE, { credentials: "omit" });
  if (till.ok) await cache.put(TILL_PAGE, till);
}

// Without a network, a page opens the till (it works from the device's store), or the offline
// notice when this worker could not keep the till.
async function offline(url) {
  const till = await caches.match(TILL_PAGE);
  if (till) return url.pathname === TILL_PAGE ? till : Response.redirect(TILL_PAGE, 303);
  return (await caches.match(OFFLINE_PAGE)) || Response.error();
}

// The build names its files after their content (`comptoir.<22 characters>.wasm`): such a
// file never changes, so the cached copy is answered without asking the network.
function isNamedByContent(url) {
  return url.pathname.startsWith(PKG) && /\.[A-Za-z0-9_-]{22}\.[a-z]+$/.test(url.pathname);
}

// Drops every cache but this build's, and anything in it that is not a public file (what an
// older worker may have put there).
async function forgetPrivateData() {
  for (const name of await caches.keys()) {
    if (name !== CACHE) await caches.delete(name);
  }
  const cache = await caches.open(CACHE);
  for (const request of await cache.keys()) {
    if (!isPublicFile(new URL(request.url))) await cache.delete(request);
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(forgetPrivateData().then(() => self.clients.claim()));
});

// The app posts "logout" when its user signs out.
self.addEventListener("message", (event) => {
  if (event.data === "logout") event.waitUntil(forgetPrivateData());
});

function keep(request, response) {
  const cacheControl = response.headers.get("Cache-Control") || "";
  if (response.ok && !cacheControl.includes("no-store")) {
    const copy = response.clone();
    caches.open(CACHE).then((cache) => cache.put(request, copy));
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  // A page: always from the network; without one, the till, never a kept copy of another page.
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => offline(url)));
    return;
  }
  if (!isPublicFile(url)) return;
  if (isNamedByContent(url)) {
    event.respondWith(caches.match(request).then((cached) => cached || fetch(request).then((response) => keep(request, response))));
    return;
  }
  // Other public files: network first, so a till never runs yesterday's code while online.
  event.respondWith(
    fetch(request)
      .then((response) => keep(request, response))
      .catch(() => caches.match(request).then((cached) => cached || Response.error())),
  );
});
