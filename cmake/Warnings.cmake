# Warning and sanitizer flags shared by every btc target (btc_set_warnings(target)).
function(btc_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter
                         -Werror=switch -Werror=return-type)
endfunction()

if(BTC_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

if(BTC_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "BTC_FUZZ needs clang (CXX=clang++-19 CC=clang-19)")
  endif()
  # vptr is off: LLVM's libraries are built without RTTI. UB stops the run, as a crash does.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize=vptr
                      -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined -fno-sanitize=vptr)
endif()
