// Review page shortcuts: j = next claim in my queue, k = previous claim.
// Progressive enhancement: the same moves are the plain Previous/Next links of the page.
(function () {
  "use strict";
  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }
  // Text typed on this page and not yet saved is never dropped by a shortcut: ask first.
  var dirty = false;
  document.addEventListener("input", function () { dirty = true; });
  document.addEventListener("submit", function () { dirty = false; });
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) { return; }
    var rel = event.key === "j" ? "next" : event.key === "k" ? "prev" : null;
    var link = rel && document.querySelector("nav.queue-steps a[rel=" + rel + "]");
    if (link) {
      event.preventDefault();
      var nav = link.closest("nav");
      if (dirty && !window.confirm(nav.getAttribute("data-unsaved"))) { return; }
      window.location.assign(link.href);
    }
  });
}());
