// Views and navigation keys: g a / g i / g t / g u go to All, Inbox, Today, Upcoming (the sidebar
// links with data-go-key); g 1 .. g 9 open the saved views in the sidebar's order; h opens the
// search syntax. Registered on the hooks board.js exposes (window.taskmanager.keys and
// .sequences.g), so board.js's one keydown listener decides. Navigation is a plain
// location.assign of the link's address: each view is a real URL, so back, forward and reload
// reproduce it.
(function () {
  "use strict";
  const hooks = window.taskmanager;
  if (!hooks) return;

  const openSavedView = (n) => () => {
    const link = document.querySelector(`#sidebar-views a[data-saved-view="${n}"]`);
    if (!link) return false; // no such saved view: the key does nothing
    window.location.assign(link.getAttribute("href"));
  };

  const g = {};
  for (const link of document.querySelectorAll("[data-go-key]")) {
    g[link.dataset.goKey] = () => window.location.assign(link.getAttribute("href"));
  }
  for (let n = 1; n <= 9; n++) g[String(n)] = openSavedView(n);
  // Merge: another feature script (projects: g p) may have registered its own g keys first.
  hooks.sequences.g = Object.assign(hooks.sequences.g || {}, g);

  function openSearchHelp() {
    const dialog = document.getElementById("search-help");
    if (!dialog || dialog.open || document.querySelector("dialog[open]")) return false;
    dialog.showModal();
  }
  hooks.keys.h = openSearchHelp;

  // The "Search syntax" link opens the dialog where there is one (the page without JS).
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("[data-search-help]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (openSearchHelp() !== false) event.preventDefault();
  });
})();
