// The key bar both pages share. The key typed into it lives in this page's memory only: the
// page's own script reads it through the function returned here and sends it in the
// Authorization header, never in a URL. `onChange` runs when the key or the target changes.
function playgroundKeyBar(onChange) {
  "use strict";

  var keyInput = document.getElementById("pg-key");
  var key = "";

  function use(value) {
    key = value;
    keyInput.value = "";
    keyInput.placeholder = key ? "Key in use; type another to replace it" : "Bearer key of your workspace";
    onChange();
  }

  document.getElementById("pg-form").addEventListener("submit", function (event) {
    event.preventDefault();
    use(keyInput.value.trim());
  });
  document.getElementById("pg-forget").addEventListener("click", function () {
    use("");
  });
  document.getElementById("pg-target").addEventListener("change", onChange);
  return function () {
    return key;
  };
}
