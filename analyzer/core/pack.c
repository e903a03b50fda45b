/* Lookup in the embedded rule pack (marsdiag/pack.h). */
#include "marsdiag/pack.h"

#include <string.h>

const struct md_pack_file *
md_pack_find(const char *name)
{
    for (size_t i = 0; i < md_npack; i++)
        if (strcmp(md_pack[i].name, name) == 0)
            return &md_pack[i];
    return NULL;
}
