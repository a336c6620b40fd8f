/*
 * demo.h — the demo district: the catalog in data/demo/district.json
 * (compiled in) and the demo accounts, all with the password yichuang-demo.
 */
#ifndef YC_DEMO_H
#define YC_DEMO_H

#include "db/db.h"

#define DEMO_PASSWORD "yichuang-demo"

/* Installs the demo catalog and accounts (call inside a transaction). */
int demo_install(db *d, yc_err *err);

#endif
