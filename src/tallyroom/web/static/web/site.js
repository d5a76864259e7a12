// Progressive enhancement only: a table wider than its wrapper says in words that it scrolls.
(function () {
  function mark() {
    document.querySelectorAll(".table-scroll").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      box.classList.toggle("scrolls", scrolls);
      var hint = box.nextElementSibling;
      if (scrolls && !(hint && hint.classList.contains("scroll-hint"))) {
        hint = document.createElement("p");
        hint.className = "scroll-hint";
        hint.textContent = "Scroll the table sideways to see every column \u2192";
        box.after(hint);
      }
    });
  }
  document.addEventListener("DOMContentLoaded", mark);
  window.addEventListener("resize", mark);
})();
