// htmx's queue (hx-sync="this:queue all" on <main>) keeps the person's requests in order, but drops
// a waiting one whose element an earlier answer replaced (x on a row a filter read re-renders, Undo
// in a toast the next write re-renders), then stalls (htmx 2.0, issueAjaxRequest). So they are sent
// from <main>, which stays, with the values of the moment. A target replaced meanwhile is found again
// by id; if gone, a read is skipped and a write applies only its out-of-band parts (toast, counts).
(function () {
  "use strict";
  const main = document.getElementById("main");
  const inherited = (elt, name) => elt.closest(`[${name}]`)?.getAttribute(name) ?? undefined;
  // What htmx would send: the form (with the button pressed), the button, hx-include, hx-vals.
  function valuesOf(elt, verb, event, extra) {
    const form = elt.matches("form") ? elt : verb === "get" ? null : (elt.form ?? elt.closest("form"));
    const data = new FormData(form ?? undefined, event?.submitter?.form === form ? event.submitter : null);
    if (elt.name && elt.matches("button, input")) data.set(elt.name, elt.value);
    const include = elt.hasAttribute("hx-include") && document.querySelector(elt.getAttribute("hx-include"));
    if (include) for (const [name, value] of new FormData(include)) data.append(name, value); // ours: a form
    const values = {};
    for (const [name, value] of data) (values[name] ??= []).push(value);
    return Object.assign(values, JSON.parse(elt.getAttribute("hx-vals") || "{}"), extra);
  }

  document.addEventListener("htmx:confirm", (event) => {
    const { elt, verb, path, target, etc, question, triggeringEvent: trigger } = event.detail;
    if (!main || elt === main || question || elt.closest("[hx-sync]") !== main) return;
    event.preventDefault();
    const values = valuesOf(elt, verb, trigger, etc.values);
    const swap = etc.swapOverride ?? inherited(elt, "hx-swap"), push = etc.push ?? inherited(elt, "hx-push-url");
    htmx.ajax(verb, path, { source: main, target, event: trigger, swap, push, values }).catch(() => {}); // toasts.js says it
  });

  document.addEventListener("htmx:beforeRequest", (event) => {
    const detail = event.detail;
    if (detail.elt !== main || detail.target.isConnected) return;
    const twin = detail.target.id && document.getElementById(detail.target.id);
    if (twin) detail.target = twin;
    else if (detail.requestConfig.verb === "get") event.preventDefault();
    else detail.etc.swapOverride = "none";
  });
})();
