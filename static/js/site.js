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
    // The filters fold under 筛选 on a phone, so the results come first (one tap opens them);
    // on a wide screen they sit open beside the results.
    var wide = window.matchMedia("(min-width: 64rem)");
    var panels = document.querySelectorAll("details.filters-panel");
    var place = function () {
        for (var i = 0; i < panels.length; i++) { panels[i].open = wide.matches; }
    };
    place();
    if (wide.addEventListener) { wide.addEventListener("change", place); }
    // Filter checkboxes submit the form at once on wide screens, where results sit beside them.
    var filters = document.querySelector(".filters");
    if (filters && window.matchMedia("(min-width: 64rem)").matches) {
        filters.addEventListener("change", function () { filters.submit(); });
    }
    // Video frames keep their proportion (the embed's, e.g. 56.25%); set here, as the
    // Content-Security-Policy allows no style attribute in the page.
    var frames = document.querySelectorAll(".responsive-object[data-ratio]");
    for (var j = 0; j < frames.length; j++) {
        if (/^[0-9.]+%$/.test(frames[j].dataset.ratio)) {
            frames[j].style.paddingBottom = frames[j].dataset.ratio;
        }
    }
})();
