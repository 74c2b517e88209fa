/* Accessible names for the fields Wagtail's admin draws without one: a body block's text
   (the paragraph editor, a heading's input) takes the block's type (段落, 小标题), and an input
   whose label stands beside a group of inputs (the explorer's date range) takes that label and
   its placeholder (更新日期：起始日期). Blocks are added while the editor works: a mutation
   observer names the new ones. Nothing is renamed that has a name already. */
(function () {
  "use strict";

  var FIELDS = 'input:not([type=hidden]):not([type=submit]):not([type=button]), textarea, select, [role="textbox"]';

  function hasName(el) {
    return (el.labels && el.labels.length) || el.getAttribute("aria-label") ||
      el.getAttribute("aria-labelledby");
  }

  function text(el) {
    return el ? el.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function nameFor(el) {
    var block = el.closest("[data-streamfield-child], .c-sf-container__block-container");
    var field = el.closest("[data-field-wrapper]");
    var label = field ? text(field.querySelector(":scope > label, :scope > .w-field__label")) : "";
    var type = block ? text(block.querySelector(".c-sf-block__type")) : "";
    var placeholder = el.getAttribute("placeholder") || "";
    var own = label || type;
    if (own && placeholder && placeholder !== own) {
      return own + "：" + placeholder;
    }
    return own || placeholder;
  }

  function name(root) {
    var fields = root.querySelectorAll ? root.querySelectorAll(FIELDS) : [];
    Array.prototype.forEach.call(fields, function (el) {
      if (!hasName(el)) {
        var found = nameFor(el);
        if (found) {
          el.setAttribute("aria-label", found);
        }
      }
    });
  }

  function start() {
    name(document);
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        Array.prototype.forEach.call(change.addedNodes, function (node) {
          if (node.nodeType === 1) {
            name(node.parentElement || node);
          }
        });
      });
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
