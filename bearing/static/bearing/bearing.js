// Bearing: small page behaviour on top of htmx. Served locally; no other script is loaded.
(function () {
  "use strict";
  // htmx does not swap error responses; tell the user instead of failing silently.
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    var text = status === 403 ? "You may not do that."
      : status === 404 ? "That item no longer exists, or belongs to another organisation."
      : "Something went wrong; nothing was half-saved. Please try again.";
    showMessage(text, "error");
  });
  document.addEventListener("htmx:sendError", function () {
    showMessage("The server could not be reached. Please try again.", "error");
  });
  function showMessage(text, level) {
    var main = document.getElementById("main");
    if (!main) { return; }
    var list = main.querySelector(".messages");
    if (!list) {
      list = document.createElement("ul");
      list.className = "messages";
      list.setAttribute("role", "status");
      main.insertBefore(list, main.firstChild);
    }
    var item = document.createElement("li");
    item.className = "message message-" + level;
    item.textContent = text;
    list.appendChild(item);
    item.scrollIntoView({ block: "nearest" });
  }
})();
