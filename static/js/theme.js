// Colour mode: follow the system's light or dark setting (Bootstrap 5.3's data-bs-theme). A file,
// not an inline script, because the Content Security Policy forbids inline code; it is loaded
// without defer in <head> so the page is painted in the right mode from the first frame.
(function () {
  "use strict";
  var query = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  function apply() {
    document.documentElement.setAttribute("data-bs-theme", query && query.matches ? "dark" : "light");
  }
  apply();
  if (query && query.addEventListener) query.addEventListener("change", apply);
})();
