// Web Share API where the browser has it: the "Share…" button opens the system's share sheet.
// Without it (or without JavaScript) the button stays hidden and the plain share links do the work.
(function () {
  "use strict";
  if (typeof navigator.share !== "function") return;
  document.querySelectorAll("button.share-native").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.share({ title: button.dataset.title, url: button.dataset.url }).catch(function () {});
    });
  });
})();
