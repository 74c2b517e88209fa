// The bulletin's print view: its 打印 button opens the browser's print dialog (shown only when
// this script runs; without it the reader prints from the browser's menu).
document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
        window.print();
    });
});
