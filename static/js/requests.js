// One queue for the person's requests: each waits until the one before it has been answered and
// swapped in, so they reach the server in the order made, even on a slow server (issue 10).
//
// htmx's own queue (hx-sync="... queue all") did that for <main>, with two gaps this closes:
// - A waiting request whose element an earlier answer replaced was dropped without a word, and
//   the ones behind it then waited for some later request: x pressed on a row of the list a
//   filter read then replaced, "Apply" on a list an Undo then swapped out.
// - The toasts' Undo buttons live outside <main>, so an Undo raced the writes before it; queued
//   there instead, the next answer re-renders the toasts and so its button.
// Here a waiting request remembers its values when the person acts. If its element is gone by
// its turn, it leaves from the element that took its place (same id), else from the page with
// the same target, or, when that is gone too, with only the answer's out-of-band parts (toast,
// counts): what the person asked for is done, never dropped.
// So htmx.ajax's promise resolves when its request joins this queue, not when it is answered
// (as it already did behind htmx's queue): wait for htmx's events instead.
(function () {
  "use strict";

  const waiting = [];
  let busy = false; // a request of this queue is on its way or being swapped in
  let sending = false; // this file is issuing a request: let it through

  // <main>'s requests and the toasts'; forms with their own queue (the project list) and
  // read-as-you-type helpers (quick-add chips) keep theirs.
  function queued(elt) {
    if (elt === document.body) return false;
    if (elt.closest("#toasts")) return true;
    const sync = elt.closest("[hx-sync]");
    if (!sync) return false;
    return sync.id === "main" || sync.getAttribute("hx-sync").startsWith("closest main");
  }

  // What the request would send, read now: the form's fields (with the button pressed), the
  // button's own name, hx-vals, and values a script passed to htmx.ajax.
  function valuesOf(elt, event, etc) {
    const values = {};
    const form = elt.matches("form") ? elt : elt.form;
    if (form) {
      const submitter = event && event.submitter && event.submitter.form === form ? event.submitter : null;
      for (const [name, value] of new FormData(form, submitter)) (values[name] ??= []).push(value);
    }
    if (elt.name && elt.matches("button, input")) values[elt.name] = [elt.value];
    const vals = elt.getAttribute("hx-vals");
    if (vals) Object.assign(values, JSON.parse(vals)); // ours are plain JSON, never js:
    return Object.assign(values, etc && etc.values);
  }

  const attr = (elt, name) => elt.closest(`[${name}]`)?.getAttribute(name) ?? null;

  document.addEventListener("htmx:confirm", (event) => {
    const detail = event.detail;
    if (sending || !queued(detail.elt)) return;
    event.preventDefault();
    const elt = detail.elt;
    const target = detail.etc.targetOverride || detail.target;
    waiting.push({
      elt,
      issue: detail.issueRequest,
      verb: detail.verb,
      path: detail.path,
      values: valuesOf(elt, detail.triggeringEvent, detail.etc),
      target: target && target.id ? "#" + target.id : null,
      swap: detail.etc.swapOverride || attr(elt, "hx-swap"),
      push: attr(elt, "hx-push-url"),
    });
    next();
  });

  document.addEventListener("htmx:beforeSend", (event) => {
    if (!sending) return;
    busy = true;
    // loadend comes after htmx's own load handler, which swaps the answer in.
    event.detail.xhr.addEventListener("loadend", () => {
      busy = false;
      next();
    });
  });

  function next() {
    while (!busy && waiting.length) {
      const request = waiting.shift();
      sending = true;
      try {
        send(request);
      } finally {
        sending = false;
      }
      // Not sent (a read board.js found already sent, a form htmx found invalid): go on.
    }
  }

  function send(request) {
    if (request.elt.isConnected) {
      request.issue(true);
      return;
    }
    const twin = request.elt.id && document.getElementById(request.elt.id);
    const options = { values: request.values };
    if (twin) {
      options.source = twin;
    } else {
      options.source = document.body;
      const target = request.target && document.querySelector(request.target);
      if (target) {
        options.target = request.target;
        if (request.swap) options.swap = request.swap;
      } else if (request.verb === "get") {
        return; // a read for a part of the page that is gone: nothing to show it in
      } else {
        options.swap = "none"; // out-of-band parts only: the toast says what was done
      }
    }
    if (request.verb === "get" && request.push && request.push !== "false") {
      options.push = request.push === "true" ? request.path : request.push;
    }
    htmx.ajax(request.verb.toUpperCase(), request.path, options);
  }
})();
