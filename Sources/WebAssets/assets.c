// The console's and the API docs page's files, embedded with C23 #embed so the binary serves
// them with nothing beside it. A new file gets an array here and a row in the table.
#include "web_assets.h"

#pragma clang diagnostic ignored "-Wc23-extensions"

static const unsigned char console_index[] = {
#embed "console/index.html"
};
static const unsigned char console_css[] = {
#embed "console/console.css"
};
static const unsigned char console_api[] = {
#embed "console/api.js"
};
static const unsigned char console_app[] = {
#embed "console/app.js"
};
static const unsigned char console_ask[] = {
#embed "console/ask.js"
};
static const unsigned char console_search[] = {
#embed "console/search.js"
};
static const unsigned char console_library[] = {
#embed "console/library.js"
};
static const unsigned char console_collections[] = {
#embed "console/collections.js"
};
static const unsigned char console_status[] = {
#embed "console/status.js"
};
static const unsigned char console_icon[] = {
#embed "console/icon.svg"
};
static const unsigned char docs_index[] = {
#embed "docs/index.html"
};
static const unsigned char docs_script[] = {
#embed "docs/docs.js"
};
static const unsigned char swagger_bundle[] = {
#embed "docs/swagger-ui/swagger-ui-bundle.js"
};
static const unsigned char swagger_css[] = {
#embed "docs/swagger-ui/swagger-ui.css"
};
static const unsigned char swagger_license[] = {
#embed "docs/swagger-ui/LICENSE"
};

#define ROW(url, array) { url, array, sizeof(array) }

static const web_asset table[] = {
    ROW("/console", console_index),
    ROW("/console/console.css", console_css),
    ROW("/console/api.js", console_api),
    ROW("/console/app.js", console_app),
    ROW("/console/ask.js", console_ask),
    ROW("/console/search.js", console_search),
    ROW("/console/library.js", console_library),
    ROW("/console/collections.js", console_collections),
    ROW("/console/status.js", console_status),
    ROW("/console/icon.svg", console_icon),
    ROW("/docs", docs_index),
    ROW("/docs/docs.js", docs_script),
    ROW("/docs/swagger-ui/swagger-ui-bundle.js", swagger_bundle),
    ROW("/docs/swagger-ui/swagger-ui.css", swagger_css),
    ROW("/docs/swagger-ui/LICENSE", swagger_license),
};

const web_asset *web_asset_table(size_t *count) {
    *count = sizeof(table) / sizeof(table[0]);
    return table;
}
