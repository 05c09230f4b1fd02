/* Prints the configuration reference (docs/config.md) generated from sim/params.def. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/config.h"

int main(void)
{
    char *md = NULL;
    enum aim_status st = aim_config_doc_markdown(&md);
    if (st) {
        fprintf(stderr, "aim_config_docgen: %s\n", aim_error_message());
        return aim_error_exit_code(st);
    }
    size_t n = strlen(md);
    int ok = fwrite(md, 1, n, stdout) == n && fflush(stdout) == 0;
    free(md);
    if (!ok) {
        perror("aim_config_docgen: writing stdout");
        return 1;
    }
    return 0;
}
