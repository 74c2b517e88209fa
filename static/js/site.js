// Small progressive enhancements; everything works without JavaScript.
(function () {
    "use strict";
    document.documentElement.classList.add("js");
    var toggle = document.querySelector(".nav-toggle");
    var nav = document.getElementById("site-nav");
    if (toggle && nav) {
        toggle.addEventListener("click", function () {
            var open = nav.classList.toggle("is-open");
            toggle.setAttribute("aria-expanded", open ? "true" : "false");
        });
    }
    // Filter checkboxes submit the form at once on wide screens, where results sit beside them.
    var filters = document.querySelector(".filters");
    if (filters && window.matchMedia("(min-width: 64rem)").matches) {
        filters.addEventListener("change", function () { filters.submit(); });
    }
})();
