// Live character count of a short claim. Progressive enhancement: without script the page
// shows the count as served and the field's maxlength keeps the hard limit (140).
(function () {
  "use strict";
  function update(input, counter) {
    var n = Array.from(input.value).length; // characters, as the server counts them
    var over = n > Number(counter.getAttribute("data-aim"));
    var text = counter.getAttribute(over ? "data-over" : "data-under");
    // The page's digits (Persian ones in Dari and Pashto), as the server writes them.
    var digits = Array.from(counter.getAttribute("data-digits") || "0123456789");
    var shown = String(n).replace(/[0-9]/g, function (d) { return digits[Number(d)]; });
    counter.textContent = text.replace("{n}", shown);
    counter.classList.toggle("over-aim", over);
  }
  function wire() {
    var inputs = document.querySelectorAll("input[data-counter]");
    Array.prototype.forEach.call(inputs, function (input) {
      var counter = document.getElementById(input.getAttribute("data-counter"));
      if (!counter) { return; }
      input.addEventListener("input", function () { update(input, counter); });
      update(input, counter);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    wire();
  }
}());
