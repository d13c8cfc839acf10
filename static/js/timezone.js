// Tells the site the visitor's time zone (config/middleware.py), so pages show times in it:
// the browser's IANA name ("Europe/Paris") in the "tz" cookie, for a year, refreshed when it changes.
(function () {
  "use strict";
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    return; // no Intl: the site's own zone it is
  }
  if (!zone || !/^[A-Za-z0-9_+\-\/]+$/.test(zone)) return;
  var cookie = "tz=" + zone;
  if (document.cookie.split("; ").indexOf(cookie) !== -1) return;
  document.cookie = cookie + "; path=/; max-age=31536000; SameSite=Lax" +
    (location.protocol === "https:" ? "; Secure" : "");
})();
