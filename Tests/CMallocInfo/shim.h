// glibc's malloc statistics (mallinfo2), which Swift's Glibc module does not include; empty elsewhere.
#ifndef KEYPLAN_CMALLOCINFO_SHIM_H
#define KEYPLAN_CMALLOCINFO_SHIM_H
#if defined(__linux__) && __has_include(<malloc.h>)
#include <malloc.h>
#endif
#endif
