// Fills the hidden `timezone` field of the login and sign-up forms with the browser's time zone,
// so "today" on the board is the person's day. Without JavaScript the field stays empty and the
// zone on file (or the server's) applies.
(function () {
  "use strict";
  let zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (error) {
    return;
  }
  for (const input of document.querySelectorAll("input[name=timezone][data-detect-timezone]")) {
    input.value = zone;
  }
})();
