// The REST playground: Swagger UI over the workspace's OpenAPI document.
//
// The key lives in this page's memory only: it is sent in the Authorization header of the
// document request and of every "Try it out" call, never put in a URL and never stored.
(function () {
  "use strict";

  var base = document.body.getAttribute("data-base") || "";
  var target = document.getElementById("pg-target");
  var status = document.getElementById("pg-status");
  var currentKey = playgroundKeyBar(load);

  function withKey(request) {
    // Swagger UI sets the header itself once authorized; an explicit one is left as it is.
    var key = currentKey();
    if (key && !request.headers.Authorization) {
      request.headers.Authorization = "Bearer " + key;
    }
    return request;
  }

  function load() {
    var url = base + "/rest/open-api/" + (target.value === "metadata" ? "metadata" : "core");
    var key = currentKey();
    status.textContent = key ? "Loading your workspace's document…" : "Base document: type an API key to see your workspace's objects.";
    var ui = SwaggerUIBundle({
      url: url,
      dom_id: "#swagger-ui",
      deepLinking: false,
      // A workspace has dozens of objects: list them, and open one to see its operations.
      docExpansion: "none",
      filter: true,
      tryItOutEnabled: true,
      persistAuthorization: false,
      validatorUrl: null,
      displayRequestDuration: true,
      requestInterceptor: withKey,
      onComplete: function () {
        if (key) {
          ui.preauthorizeApiKey("bearerAuth", key);
          status.textContent = "Key in use (kept in this page only).";
        }
      },
    });
  }

  load();
})();
