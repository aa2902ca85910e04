#include "cli.h"
int cli_serve_placeholder(void);
int cli_serve_placeholder(void)
{
    return 0;
}
