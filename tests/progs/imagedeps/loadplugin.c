/* loadplugin.c: dlopens the plugin named by argv[1] and calls it. */
#include <dlfcn.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	int (*f)(void);
	void *h;

	if (argc != 2)
		return 2;
	h = dlopen(argv[1], RTLD_NOW);
	if (!h) {
		printf("dlopen: %s\n", dlerror());
		return 1;
	}
	f = (int (*)(void))dlsym(h, "plugin_value");
	if (!f)
		return 3;
	printf("plugin value %d\n", f());
	return 0;
}
