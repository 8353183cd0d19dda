// Claim board shortcuts: j = next claim, k = previous claim, x = tick or untick it.
// Progressive enhancement: without this file every action is a link or a button.
(function () {
  "use strict";
  var cards = Array.prototype.slice.call(document.querySelectorAll("ol.claim-list > li.claim-card"));
  if (!cards.length) { return; }
  cards.forEach(function (card) { card.tabIndex = -1; });
  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }
  function current() {
    var active = document.activeElement;
    for (var i = 0; i < cards.length; i++) {
      if (cards[i] === active || cards[i].contains(active)) { return i; }
    }
    return -1;
  }
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) { return; }
    var index = current();
    if (event.key === "j" || event.key === "k") {
      var next = event.key === "j" ? Math.min(index + 1, cards.length - 1) : Math.max(index - 1, 0);
      cards[next].focus();
      cards[next].scrollIntoView({block: "nearest"});
      event.preventDefault();
    } else if (event.key === "x" && index >= 0) {
      // The card's own tick, not one of its sub-claims' (listed inside the card).
      var tick = cards[index].querySelector(":scope > .claim-head > input.tick");
      if (tick) { tick.checked = !tick.checked; event.preventDefault(); }
    }
  });
}());
