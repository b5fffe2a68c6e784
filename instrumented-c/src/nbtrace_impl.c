/* the one translation unit that holds the emitter's implementation */
#ifdef NBTRACE_ENABLE
#define NBTRACE_IMPLEMENTATION
#include "nbtrace.h"
#else
typedef int nbtrace_compiled_out;
#endif
