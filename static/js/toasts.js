// The live region's toasts (partials/toasts.html) on every page: Bootstrap's Toast shows each,
// hides it after its data-bs-delay (paused while hovered or focused) and it then leaves the
// region, so `z` and screen readers only ever meet current ones. htmx swaps no 4xx/5xx answer
// (other than our 409/422 forms): a toast says what happened, in the server's words
// (partials/error_toasts.html), picked by status.
(function () {
  "use strict";

  function showToasts(root) {
    const toasts = root.matches("[data-toast]") ? [root] : root.querySelectorAll("[data-toast]");
    for (const toast of toasts) bootstrap.Toast.getOrCreateInstance(toast).show();
  }
  htmx.onLoad(showToasts);
  document.addEventListener("hidden.bs.toast", (event) => event.target.remove());

  function showError(status) {
    const pick = (key) => document.querySelector(`template[data-error-toast="${key}"]`);
    const template = pick(status) || pick(String(status)[0] + "xx") || pick("4xx");
    const toast = template.content.firstElementChild.cloneNode(true);
    document.getElementById("toasts").append(toast);
    showToasts(toast);
  }
  document.addEventListener("htmx:responseError", (event) => showError(event.detail.xhr.status));
  document.addEventListener("htmx:sendError", () => showError(0));
})();
