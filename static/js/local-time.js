// Every event time on a page is written in the event's time zone (<time datetime="..."
// data-zone="Europe/Berlin">), which is all a reader without scripts sees. Where the reader's own
// time zone shows a different clock, this adds the reader's time after it, in the page's
// language. A range is a <time> followed by a <time data-time-only> (its end, a clock only);
// the note then follows the end, or the zone label after it ([data-zone-label]).
// The words come from the page (data-local-time on this script, translated by the template):
// "{time} in your time zone ({zone})".
(function () {
  "use strict";
  var script = document.currentScript;
  var words = (script && script.dataset.localTime) || "{time} in your time zone ({zone})";
  var reader = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!reader) {
    return;
  }
  var language = document.documentElement.lang || "en";
  var locale = language === "en" ? "en-GB" : language;

  function clock(when, zone, timeOnly) {
    var options = { hour: "2-digit", minute: "2-digit", timeZone: zone };
    if (!timeOnly) {
      options.weekday = "long";
      options.day = "numeric";
      options.month = "long";
    }
    return new Intl.DateTimeFormat(locale, options).format(when);
  }

  function instant(element) {
    var when = new Date(element.getAttribute("datetime"));
    return isNaN(when.getTime()) ? null : when;
  }

  function rangeEnd(element) {
    var next = element.nextElementSibling;
    return next && next.matches("time[data-zone][data-time-only]") ? next : null;
  }

  document.querySelectorAll("time[data-zone]:not([data-time-only])").forEach(function (element) {
    var zone = element.dataset.zone;
    var start = instant(element);
    if (!start) {
      return;
    }
    var endElement = rangeEnd(element);
    var end = endElement && instant(endElement);
    var local = clock(start, reader, false) + (end ? "–" + clock(end, reader, true) : "");
    var there = clock(start, zone, false) + (end ? "–" + clock(end, zone, true) : "");
    if (local === there) {
      return;
    }
    var after = endElement || element;
    var label = after.nextElementSibling;
    if (label && label.hasAttribute("data-zone-label")) {
      after = label;
    }
    var note = document.createElement("span");
    note.className = "local-time";
    note.textContent = " (" + words.replace("{time}", local).replace("{zone}", reader) + ")";
    after.insertAdjacentElement("afterend", note);
  });
})();
