/*
 * server.h — the HTTP server: N listener threads, each with its own event
 * loop, evhttp and read handle on one SO_REUSEPORT address; writes go to the
 * shared pipeline. http_serve returns after SIGTERM/SIGINT once in-flight
 * requests are answered.
 */
#ifndef YC_SERVER_H
#define YC_SERVER_H

#include "http/http.h"

int http_serve(yc_app *app, yc_err *err);

#endif
