// Click the picture to set the focal point: the two number fields (the way to do it without
// JavaScript) follow the click, and the marker follows the fields.
"use strict";
(function () {
  function setUp(picker) {
    const image = picker.querySelector("img");
    const marker = picker.querySelector(".focal-marker");
    const across = document.getElementById("id_focal_x");
    const down = document.getElementById("id_focal_y");
    if (!image || !marker || !across || !down) return;
    function place() {
      marker.style.left = (Number(across.value || 0.5) * 100) + "%";
      marker.style.top = (Number(down.value || 0.5) * 100) + "%";
    }
    image.addEventListener("click", function (event) {
      const box = image.getBoundingClientRect();
      const clamp = (value) => Math.min(1, Math.max(0, value)).toFixed(3);
      across.value = clamp((event.clientX - box.left) / box.width);
      down.value = clamp((event.clientY - box.top) / box.height);
      place();
    });
    across.addEventListener("input", place);
    down.addEventListener("input", place);
    place();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-focal-picker]").forEach(setUp);
  });
})();
