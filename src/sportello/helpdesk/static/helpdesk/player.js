// Playback-speed control for tutorial videos. Without JavaScript the control stays hidden and the
// native player still works.
(function () {
  "use strict";
  document.querySelectorAll("select[data-video]").forEach(function (select) {
    var video = document.getElementById(select.dataset.video);
    if (!video) return;
    select.closest(".playback-speed").hidden = false;
    select.addEventListener("change", function () {
      video.playbackRate = parseFloat(select.value) || 1;
    });
    video.addEventListener("ratechange", function () {
      var rate = String(video.playbackRate);
      if (select.querySelector('option[value="' + rate + '"]')) select.value = rate;
    });
  });
})();
