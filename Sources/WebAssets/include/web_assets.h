#ifndef WEB_ASSETS_H
#define WEB_ASSETS_H

#include <stddef.h>

/// One file of the web console or the API docs page, compiled into the binary.
typedef struct {
    /// The URL path it is served at, e.g. "/console/app.js".
    const char *path;
    const unsigned char *bytes;
    size_t length;
} web_asset;

/// The table of every embedded file; `count` receives its length.
const web_asset *web_asset_table(size_t *count);

#endif
