# Locates LLVM 19, lld 19, libbpf, libelf, zlib, CLI11 and GoogleTest, and records the paths
# the in-process linker needs to build static tools (crt objects, static libraries).
find_package(LLVM 19.1 REQUIRED CONFIG HINTS /usr/lib/llvm-19/lib/cmake/llvm)
find_package(LLD REQUIRED CONFIG HINTS /usr/lib/llvm-19/lib/cmake/lld)
find_package(PkgConfig REQUIRED)
find_package(CLI11 CONFIG QUIET)
find_package(GTest QUIET)

find_library(BTC_LIBBPF_A NAMES libbpf.a REQUIRED)
find_library(BTC_LIBELF_A NAMES libelf.a REQUIRED)
find_library(BTC_LIBZ_A NAMES libz.a REQUIRED)
find_path(BTC_LIBBPF_INCLUDE bpf/libbpf.h REQUIRED)

# What lld needs to produce a static C++ executable without a compiler driver.
execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=crtbeginT.o
                OUTPUT_VARIABLE BTC_CRTBEGIN OUTPUT_STRIP_TRAILING_WHITESPACE)
execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=crtend.o
                OUTPUT_VARIABLE BTC_CRTEND OUTPUT_STRIP_TRAILING_WHITESPACE)
execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=crt1.o
                OUTPUT_VARIABLE BTC_CRT1 OUTPUT_STRIP_TRAILING_WHITESPACE)
execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=crti.o
                OUTPUT_VARIABLE BTC_CRTI OUTPUT_STRIP_TRAILING_WHITESPACE)
execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=crtn.o
                OUTPUT_VARIABLE BTC_CRTN OUTPUT_STRIP_TRAILING_WHITESPACE)
execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=libstdc++.a
                OUTPUT_VARIABLE BTC_LIBSTDCXX_A OUTPUT_STRIP_TRAILING_WHITESPACE)
execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=libgcc_eh.a
                OUTPUT_VARIABLE BTC_LIBGCC_EH_A OUTPUT_STRIP_TRAILING_WHITESPACE)
get_filename_component(BTC_GCC_LIBDIR ${BTC_LIBSTDCXX_A} DIRECTORY)
get_filename_component(BTC_LIBC_DIR ${BTC_CRT1} DIRECTORY)
