/* libvalue.c: a tiny shared library for the loader tests (found through
   DT_RUNPATH $ORIGIN/lib, missing, or damaged in the image). */
int htux_dyn_value(void) { return 42; }
