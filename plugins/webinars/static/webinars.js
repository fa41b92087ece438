/* The visitor's time zone for the events calendar.
 *
 * Reads the device's IANA time zone (Intl) and keeps it in the `crpm_tz` cookie, which the
 * server uses to show each event's time in the visitor's zone next to the event's own zone.
 * When the page was drawn without knowing the zone, it is reloaded once so the times appear.
 * A zone chosen on the account page wins over this cookie. Without JavaScript, only the
 * event's zone (or the account setting) is used.
 */
(function () {
  "use strict";
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!zone || !/^[A-Za-z_]+(\/[A-Za-z0-9_+\-]+)*$/.test(zone)) {
    return;
  }
  var match = document.cookie.match(/(?:^|;\s*)crpm_tz=([^;]*)/);
  var known = match ? decodeURIComponent(match[1]) : null;
  if (known === zone) {
    return;
  }
  var secure = location.protocol === "https:" ? "; Secure" : "";
  /* Zone names (letters, digits, _ + - /) are safe in a cookie as they are. */
  document.cookie = "crpm_tz=" + zone +
    "; path=/; max-age=31536000; SameSite=Lax" + secure;
  var stored = document.cookie.indexOf("crpm_tz=") !== -1;
  var waiting = document.querySelector("[data-viewer-zone-unknown]");
  var reloaded = false;
  try {
    reloaded = sessionStorage.getItem("crpm_tz_reloaded") === zone;
    sessionStorage.setItem("crpm_tz_reloaded", zone);
  } catch (error) {
    reloaded = true; /* no storage: never risk a reload loop */
  }
  if (stored && waiting && !reloaded) {
    location.reload();
  }
})();
