// The GraphQL playground: GraphiQL over POST /graphql (or /metadata) of this API.
//
// The key lives in this page's memory only: the fetcher sends it in the Authorization header,
// never in a URL. GraphiQL keeps the editors' text in localStorage, one namespace per endpoint;
// its headers editor is not persisted.
(function () {
  "use strict";

  var base = document.body.getAttribute("data-base") || "";
  var target = document.getElementById("pg-target");
  var status = document.getElementById("pg-status");
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  var currentKey = playgroundKeyBar(render);
  var generation = 0;

  var DEFAULT_QUERIES = {
    graphql: "{\n  people(first: 10) {\n    totalCount\n    edges {\n      node {\n        id\n        name {\n          firstName\n          lastName\n        }\n      }\n    }\n  }\n}\n",
    metadata: "{\n  objects(paging: {first: 50}) {\n    edges {\n      node {\n        nameSingular\n        namePlural\n        isCustom\n      }\n    }\n  }\n}\n",
  };

  function endpoint() {
    return target.value === "metadata" ? "metadata" : "graphql";
  }

  function fetcher(params, options) {
    var key = currentKey();
    if (!key) {
      return Promise.resolve({ errors: [{ message: "Type an API key of your workspace above, then Use key." }] });
    }
    var headers = { "Content-Type": "application/json", Accept: "application/json" };
    var extra = (options && options.headers) || {};
    Object.keys(extra).forEach(function (name) {
      headers[name] = extra[name];
    });
    headers.Authorization = "Bearer " + key;
    return fetch(base + "/" + endpoint(), {
      method: "POST",
      headers: headers,
      body: JSON.stringify(params),
      credentials: "omit",
      cache: "no-store",
    })
      .then(function (response) {
        return response.text();
      })
      .then(function (text) {
        try {
          return JSON.parse(text);
        } catch (error) {
          return text;
        }
      });
  }

  // localStorage under a prefix of its own per endpoint, in the shape GraphiQL's storage expects.
  function storageFor(name) {
    var prefix = "tenantapi-playground:" + name + ":";
    function ownKeys() {
      var keys = [];
      for (var i = 0; i < window.localStorage.length; i += 1) {
        var item = window.localStorage.key(i);
        if (item && item.indexOf(prefix) === 0) keys.push(item);
      }
      return keys;
    }
    return {
      getItem: function (item) {
        return window.localStorage.getItem(prefix + item);
      },
      setItem: function (item, value) {
        window.localStorage.setItem(prefix + item, value);
      },
      removeItem: function (item) {
        window.localStorage.removeItem(prefix + item);
      },
      clear: function () {
        ownKeys().forEach(function (item) {
          window.localStorage.removeItem(item);
        });
      },
      get length() {
        return ownKeys().length;
      },
    };
  }

  function render() {
    // A new element key remounts GraphiQL, which then fetches the schema with the current key.
    generation += 1;
    var name = endpoint();
    status.textContent = currentKey() ? "Key in use (kept in this page only)." : "Type an API key of your workspace to load its schema.";
    root.render(
      React.createElement(GraphiQL, {
        key: name + ":" + generation,
        fetcher: fetcher,
        storage: storageFor(name),
        defaultQuery: DEFAULT_QUERIES[name],
        shouldPersistHeaders: false,
        defaultEditorToolsVisibility: false,
      })
    );
  }

  render();
})();
