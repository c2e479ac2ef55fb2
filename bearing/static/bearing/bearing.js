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
  // Touch screens have no hover: a tap on a menu's label would follow its link (the group's
  // first page) before its other links could be seen. There the first tap opens the menu and a
  // second follows the label; a tap elsewhere closes it. Where the links are laid out in the
  // bar (narrow screens) or a pointer can hover, the label is a plain link.
  var noHover = window.matchMedia ? window.matchMedia("(hover: none)") : null;
  function setOpen(menu, open) {
    menu.classList.toggle("nav-menu-open", open);
    var label = menu.querySelector(".nav-menu-label");
    if (label) { label.setAttribute("aria-expanded", open ? "true" : "false"); }
  }
  document.addEventListener("click", function (event) {
    var label = event.target.closest ? event.target.closest(".nav-menu-label") : null;
    document.querySelectorAll(".nav-menu.nav-menu-open").forEach(function (menu) {
      if (!menu.contains(event.target)) { setOpen(menu, false); }
    });
    if (!label || !noHover || !noHover.matches) { return; }
    var menu = label.parentNode;
    var links = menu.querySelector(".nav-menu-links");
    var dropdown = links && window.getComputedStyle(links).position === "absolute";
    if (dropdown && !menu.classList.contains("nav-menu-open")) {
      event.preventDefault();
      setOpen(menu, true);
    }
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
