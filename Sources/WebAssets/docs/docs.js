// Swagger UI over /openapi.json. When the server asks for a token, the one the console signed
// in with (kept for this tab) is sent with the document's request and with "Try it out".
(function () {
  var token = sessionStorage.getItem("thoth.token") || "";
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    requestInterceptor: function (request) {
      if (token && !request.headers.Authorization) request.headers.Authorization = "Bearer " + token;
      return request;
    },
  });
})();
