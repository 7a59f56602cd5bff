// The header bell (src/reminders/templates/reminders/bell.html) refreshes itself with htmx: on
// load and every 30 s. Its swaps are not the board's business: board.js puts focus back on a
// task after every settle when focus is on <body>, which would pull focus (and scroll) to the
// first task each time the bell refreshed. Stop the bell's swap events at its own slot.
(function () {
  const slot = document.getElementById("notification-bell-slot");
  if (!slot) return;
  for (const name of ["htmx:beforeSwap", "htmx:afterSwap", "htmx:afterSettle"]) {
    slot.addEventListener(name, (event) => event.stopPropagation());
  }
})();
