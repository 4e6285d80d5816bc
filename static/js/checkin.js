/* The check-in desk's camera: reads QR codes with jsQR (static/vendor/jsqr) from the rear
   camera and posts each code to the page's check-in form; the answer is shown large, then
   scanning goes on. Without JavaScript or a camera the search by name still works. */
(function () {
  "use strict";

  var scanner = document.querySelector("[data-checkin-scanner]");
  if (!scanner || !window.jsQR || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return;
  }
  var form = scanner.querySelector("[data-scan-form]");
  var startButton = scanner.querySelector("[data-start-camera]");
  var video = scanner.querySelector("[data-camera]");
  var result = scanner.querySelector("[data-scan-result]");
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var STYLES = { "checked-in": "alert-success", already: "alert-warning", refused: "alert-danger" };
  var SAME_CODE_PAUSE_MS = 4000;
  // The page's words (translated by the template), with {status} or {error} to fill in.
  var words = scanner.dataset;
  var lastCode = "";
  var lastCodeAt = 0;
  var busy = false;

  scanner.hidden = false;

  function show(outcome, message) {
    result.className = "alert fs-4 mt-2 " + (STYLES[outcome] || "alert-danger");
    result.textContent = message;
    result.dataset.outcome = outcome;
    result.hidden = false;
  }

  function updateCounts(answer) {
    document.querySelector("[data-checked-in]").textContent = answer.checked_in;
    document.querySelector("[data-expected]").textContent = answer.expected;
  }

  function send(code) {
    busy = true;
    form.elements.code.value = code;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(words.serverAnswered.replace("{status}", response.status));
        }
        return response.json();
      })
      .then(function (answer) {
        show(answer.outcome, answer.message);
        updateCounts(answer);
      })
      .catch(function (error) {
        show("refused", words.notSent.replace("{error}", error.message));
      })
      .finally(function () {
        busy = false;
      });
  }

  function scanFrame() {
    if (video.readyState >= video.HAVE_ENOUGH_DATA && !busy) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var image = context.getImageData(0, 0, canvas.width, canvas.height);
      var code = window.jsQR(image.data, image.width, image.height, {
        inversionAttempts: "dontInvert",
      });
      var now = Date.now();
      if (code && code.data && (code.data !== lastCode || now - lastCodeAt > SAME_CODE_PAUSE_MS)) {
        lastCode = code.data;
        lastCodeAt = now;
        send(code.data);
      }
    }
    window.requestAnimationFrame(scanFrame);
  }

  startButton.addEventListener("click", function () {
    startButton.disabled = true;
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        startButton.hidden = true;
        return video.play();
      })
      .then(function () {
        window.requestAnimationFrame(scanFrame);
      })
      .catch(function (error) {
        startButton.disabled = false;
        show("refused", words.cameraFailed.replace("{error}", error.name));
      });
  });
})();
