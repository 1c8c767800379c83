# Warning and sanitizer flags shared by every btc target (btc_set_warnings(target)).
function(btc_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter
                         -Werror=switch -Werror=return-type)
endfunction()

if(BTC_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
