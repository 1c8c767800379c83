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

# Static C library pieces of the link line (libm.a is a linker script that lld reads).
foreach(lib c m gcc)
  string(TOUPPER ${lib} upper)
  execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=lib${lib}.a
                  OUTPUT_VARIABLE BTC_LIB${upper}_A OUTPUT_STRIP_TRAILING_WHITESPACE)
endforeach()
foreach(var BTC_CRT1 BTC_CRTI BTC_CRTBEGIN BTC_CRTEND BTC_CRTN BTC_LIBSTDCXX_A BTC_LIBGCC_EH_A
            BTC_LIBC_A BTC_LIBM_A BTC_LIBGCC_A)
  get_filename_component(${var} "${${var}}" ABSOLUTE)
  if(NOT EXISTS "${${var}}")
    message(FATAL_ERROR "${var}: ${${var}} not found; btc cannot link static tools "
                        "(install libc6-dev and libstdc++-dev)")
  endif()
endforeach()

# libbpf for the compiler itself (opening objects, BTF queries): the shared library.
pkg_check_modules(BTC_LIBBPF_PC REQUIRED IMPORTED_TARGET libbpf)
if(NOT TARGET btc::libbpf)
  add_library(btc::libbpf ALIAS PkgConfig::BTC_LIBBPF_PC)
endif()

# btc_add_link_library(): defines `btc_link`, the in-process static linker
# (compiler/driver/link.cpp), with the paths above baked into a generated link_config.h.
# Idempotent, so both the driver and the skeleton tests can ask for it. The btc executable
# should also add_dependencies(btc btc_runtime) so a freshly built btc can link tools.
function(btc_add_link_library)
  if(TARGET btc_link)
    return()
  endif()
  set(dir ${PROJECT_SOURCE_DIR}/compiler/driver)
  set(gen ${PROJECT_BINARY_DIR}/generated/btc_link)
  file(RELATIVE_PATH BTC_RUNTIME_INSTALL_RELDIR ${CMAKE_INSTALL_FULL_BINDIR}
       ${CMAKE_INSTALL_FULL_LIBDIR}/btc)
  if(TARGET btc_runtime)
    set(BTC_RUNTIME_BUILD_PATH "$<TARGET_FILE:btc_runtime>")
    set(BTC_RUNTIME_BASE_BUILD_PATH "${PROJECT_BINARY_DIR}/runtime/btc-runtime")
  else()
    set(BTC_RUNTIME_BUILD_PATH "")
    set(BTC_RUNTIME_BASE_BUILD_PATH "")
  endif()
  configure_file(${dir}/link_config.h.in ${gen}/link_config.h.in @ONLY)
  file(GENERATE OUTPUT ${gen}/link_config.h INPUT ${gen}/link_config.h.in)
  add_library(btc_link STATIC ${dir}/link.cpp)
  target_include_directories(btc_link PUBLIC ${dir} PRIVATE ${gen})
  target_include_directories(btc_link SYSTEM PUBLIC ${LLVM_INCLUDE_DIRS} ${LLD_INCLUDE_DIRS})
  target_link_libraries(btc_link PUBLIC lldELF lldCommon LLVM btc_abi)
  btc_set_warnings(btc_link)
endfunction()
