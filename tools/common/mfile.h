/* mfile.h: image manifests (-f FILE of htux run and htux-mkimage): a
   small text file of "key = value" lines, turned into the command-line
   options they stand for, so that the tools' own parsers check every
   value. The format is in the README ("Manifests"). */
#ifndef HTUX_MFILE_H
#define HTUX_MFILE_H

#include <stddef.h>

/* How one manifest key becomes options. */
struct mf_key {
	const char *key; /* as written in the file */
	const char *opt; /* the option it gives ("--add"), or NULL: ignored */
	int kind;        /* MF_* */
};

enum {
	MF_VALUE,   /* opt VALUE, once (a later line or the command line wins) */
	MF_REPEAT,  /* opt VALUE, each line adds one */
	MF_ONOFF,   /* "on": opt alone; "off": nothing */
	MF_HOST,    /* MF_REPEAT, VALUE's HOST part (up to the first ':')
		       relative to the manifest's directory */
	MF_DISK,    /* MF_REPEAT, FILE[:/MOUNTPOINT]'s FILE likewise */
	MF_PATH,    /* MF_VALUE, the whole value likewise */
	MF_OCI,     /* MF_PATH, and the manifest names no PROG */
	MF_PROGRAM, /* PROG (relative to the manifest when it has a '/') */
	MF_ARGS,    /* ARGs: words split at blanks, added in order */
	MF_ARG,     /* one ARG, the whole value */
};

/* Checks one option and value with the tool's parser: 0, or -1 and a
   message in err. */
typedef int mf_check_fn(const char *opt, const char *value, char *err, size_t errlen);

struct mf_tool {
	const char *name;                    /* "htux" or "htux-mkimage", for messages */
	int first;                           /* argv[first] is the first option */
	int (*takes_value)(const char *arg); /* does option arg take the next word? */
	const struct mf_key *keys;           /* ending with { NULL } */
	mf_check_fn *check;
};

/* If the options in argv (they end at the first non-option or "--")
   include -f FILE or --manifest FILE (=FILE too), makes *nargv: argv's
   first words, FILE's options, then argv's other options, then PROG (FILE's
   program) and the ARGs: argv's words after its options when there are
   some, else FILE's. Returns 0 (*nargv is argv when there is no -f), or -1
   after a message "NAME: FILE:LINE: ..." on stderr. *nargv and its strings
   live until the program ends. */
int mf_expand(const struct mf_tool *t, int argc, char **argv, int *nargc, char ***nargv);

#endif
