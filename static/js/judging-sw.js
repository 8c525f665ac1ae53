/* The tablet page's service worker: a judge who reloads the tablet page with no network gets the page
   (the last copy this tablet saw) instead of the browser's error page, so the marks queued in
   localStorage can still be seen and entered; they are sent when the network returns.
   Network first: online, the page and its files always come fresh from the server. Only the tablet page
   (anonymous codes, no names) and the static files are kept. */
"use strict";
var CACHE = "judging-tablet-v1";
var TABLET = /\/judging\/events\/\d+\/tablet$/;

self.addEventListener("install", function () { self.skipWaiting(); });
// No clients.claim(): a page is controlled from its next load on, so the page that registered the worker
// keeps talking to the network directly.

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  var keep = (request.mode === "navigate" && TABLET.test(url.pathname)) || url.pathname.indexOf("/static/") === 0;
  if (!keep) { return; }
  event.respondWith(fetch(request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(request).then(function (hit) { return hit || Response.error(); });
  }));
});
