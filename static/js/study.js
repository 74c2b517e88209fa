// The study mark (study/includes/study_mark.html): asks this reader's state after the page has
// loaded, posts 我已学习, and sends the time spent reading as the reader leaves. The page itself
// holds no per-reader state (the page cache may share it).
(function () {
    "use strict";
    var box = document.querySelector("[data-study-page]");
    if (!box || !window.fetch) { return; }
    var pageId = box.getAttribute("data-study-page");
    var stateUrl = box.getAttribute("data-study-state");
    var recordUrl = box.getAttribute("data-study-record");
    var button = box.querySelector(".study-mark__button");
    var status = box.querySelector(".study-mark__status");

    function csrfToken() {
        var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
        return match ? decodeURIComponent(match[1]) : "";
    }

    function body(fields) {
        var params = new URLSearchParams();
        params.append("page", pageId);
        params.append("csrfmiddlewaretoken", csrfToken());
        Object.keys(fields).forEach(function (key) { params.append(key, fields[key]); });
        return params;
    }

    function chineseDate(isoDate) {
        var parts = isoDate.split("-");
        return parts[0] + "年" + Number(parts[1]) + "月" + Number(parts[2]) + "日";
    }

    function show(state) {
        if (state.studied) {
            button.textContent = "已学习";
            button.disabled = true;
            status.textContent = "已于" + chineseDate(state.studied_on) + "标记为已学习。";
        } else {
            button.textContent = "我已学习";
            button.disabled = false;
            status.textContent = "";
        }
        box.hidden = false;
    }

    fetch(stateUrl + "?page=" + encodeURIComponent(pageId), {credentials: "same-origin"})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (state) { if (state) { show(state); } })
        .catch(function () { /* no mark offered: the page reads the same */ });

    button.addEventListener("click", function () {
        button.disabled = true;
        fetch(recordUrl, {method: "POST", credentials: "same-origin", body: body({action: "studied"})})
            .then(function (response) {
                return response.json().then(function (data) { return {ok: response.ok, data: data}; });
            })
            .then(function (result) {
                if (result.ok) { show(result.data); return; }
                button.disabled = false;
                status.textContent = result.data.error || "记录失败，请稍后重试。";
            })
            .catch(function () {
                button.disabled = false;
                status.textContent = "网络连接中断，记录失败，请稍后重试。";
            });
    });

    // Time spent reading: counted only while the page is visible, sent once per hiding.
    var visibleSince = document.visibilityState === "visible" ? Date.now() : null;
    var pending = 0;
    function pause() {
        if (visibleSince !== null) { pending += Date.now() - visibleSince; visibleSince = null; }
    }
    function send() {
        pause();
        var seconds = Math.round(pending / 1000);
        if (seconds < 1 || !navigator.sendBeacon) { return; }
        if (navigator.sendBeacon(recordUrl, body({action: "time", seconds: seconds}))) { pending = 0; }
    }
    document.addEventListener("visibilitychange", function () {
        if (document.visibilityState === "hidden") { send(); } else { visibleSince = Date.now(); }
    });
    window.addEventListener("pagehide", send);
}());
