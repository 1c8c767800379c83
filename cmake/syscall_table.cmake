# syscall_table.cmake: writes OUT with one `{N, "name"},` line per `#define __NR_name N` of
# the system call header IN (linux-libc-dev's asm/unistd_64.h). Run with cmake -P.
file(STRINGS "${IN}" lines REGEX "^#define __NR_[A-Za-z0-9_]+ [0-9]+")
set(body "")
foreach(line IN LISTS lines)
  string(REGEX REPLACE "^#define __NR_([A-Za-z0-9_]+) ([0-9]+).*$" "{\\2, \"\\1\"}," entry "${line}")
  string(APPEND body "${entry}\n")
endforeach()
if(body STREQUAL "")
  message(FATAL_ERROR "no system calls found in ${IN}")
endif()
file(WRITE "${OUT}.tmp" "${body}")
configure_file("${OUT}.tmp" "${OUT}" COPYONLY)
