/* plugin.c: a plugin that needs libhtuxvalue.so, found through its own
   DT_RUNPATH $ORIGIN/lib, loaded with dlopen by loadplugin.c. */
int htux_dyn_value(void);

int plugin_value(void) { return htux_dyn_value() + 1; }
