// libpq, PostgreSQL's C client library (Debian: libpq-dev, header in /usr/include/postgresql,
// found through `pkg-config libpq`).
#ifndef KEYPLAN_CLIBPQ_SHIM_H
#define KEYPLAN_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
