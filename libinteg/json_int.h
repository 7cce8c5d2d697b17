/*
 * json_int.h: what json.c, jsonval.c and path.c share inside libinteg.
 * Not installed; tools and connectors use integ.h only.
 */
#ifndef JSON_INT_H
#define JSON_INT_H

#include <stdint.h>

#include "integ.h"

enum {
	PATH_NAME,	/* .name or .["name"] */
	PATH_INDEX	/* [N], N < 0 counts from the end */
};

struct path_step {
	int	 kind;
	char	*name;		/* PATH_NAME: decoded bytes, NUL-terminated */
	size_t	 namelen;
	int64_t	 index;		/* PATH_INDEX */
};

struct integ_path {
	char		*text;
	struct path_step *steps;
	int		 nsteps;
};

/* integ_path_find, starting at step `from`. */
int	 integ_path_find_from(const struct integ_path *, int,
	    struct integ_json_span, struct integ_json_span *);

/* Skip one validated value at p (no leading whitespace); returns its end. */
const char *integ_json_skip(const char *, const char *);

#endif /* JSON_INT_H */
