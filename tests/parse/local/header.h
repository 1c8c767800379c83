/* header.h: included as "local/header.h" by preamble_include.bt (relative to the script). */
#define LOCAL_HEADER_VALUE 7
