// Runs in <head> before first paint so dark mode never flashes light. The choice is remembered;
// until one is made, the system's preference wins.
(function () {
  "use strict";
  const KEY = "taskmanager-theme";
  const stored = localStorage.getItem(KEY);
  const system = window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  document.documentElement.dataset.bsTheme = stored === "dark" || stored === "light" ? stored : system;
  // Scripts run: app.css hides what only a script makes useful until it is wanted (the rows'
  // select boxes show on hover and focus); without JavaScript those stay visible.
  document.documentElement.classList.add("js");

  document.addEventListener("DOMContentLoaded", () => {
    const button = document.getElementById("theme-toggle");
    if (!button) return;
    button.hidden = false;
    const label = () =>
      button.setAttribute("aria-pressed", document.documentElement.dataset.bsTheme === "dark" ? "true" : "false");
    label();
    button.addEventListener("click", () => {
      const next = document.documentElement.dataset.bsTheme === "dark" ? "light" : "dark";
      document.documentElement.dataset.bsTheme = next;
      localStorage.setItem(KEY, next);
      label();
    });
  });
})();
