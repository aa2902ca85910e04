/* placeholder */
#include "tally/present.h"
void tally_serve_placeholder(void);
void tally_serve_placeholder(void)
{
}
