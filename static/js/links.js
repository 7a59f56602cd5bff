// Ctrl/Cmd/Shift-click on a link opens it as links do (a new tab or window), on the pages whose
// links htmx loads in place (hx-get): keep htmx and our click handlers out of it. (A middle
// click is an auxclick, which htmx never sees.)
(function () {
  "use strict";
  document.addEventListener("click", (event) => {
    const modified = event.ctrlKey || event.metaKey || event.shiftKey;
    if (modified && event.target.closest("a[href]")) event.stopPropagation();
  }, true);
})();
